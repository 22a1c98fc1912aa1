import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * scripts/lint.mjs enforces the layering of docs/architecture.md. Each case plants one import in a copy of
 * src/ and checks that the lint fails naming the file and the import; the unchanged copy is the control.
 */
const repo = join(import.meta.dirname, '..', '..');
const copies: string[] = [];

function copyWith(file: string, line: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-lint-'));
  copies.push(dir);
  cpSync(join(repo, 'src'), join(dir, 'src'), { recursive: true });
  if (file) writeFileSync(join(dir, file), `${line}\n${readFileSync(join(dir, file), 'utf8')}`);
  return dir;
}

const lint = (root: string) => execa('node', [join(repo, 'scripts', 'lint.mjs'), root], { reject: false });

describe('architecture lint: dependency directions', () => {
  afterAll(() => copies.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('passes on the repository as it is (control)', async () => {
    const r = await lint(copyWith('', ''));
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it.each([
    ['src/train/trainer.ts', "import { builtinPlugins } from '../plugins/index.ts';", "src/train/trainer.ts: imports '../plugins/index.ts'"],
    ['src/parity/side-graph.ts', "import { runOnOrt } from '../plugins/backends/onnxruntime/ort-run.ts';", 'src/parity/ may import only src/contracts/'],
    ['src/orchestrator/handshake.ts', "import { ortBackend } from '../plugins/backends/onnxruntime/ort-backend.ts';", 'only src/orchestrator/composition-root.ts imports plugins'],
    ['src/graph/ir.ts', "import type { Backend } from '../contracts/backend.ts';", 'src/graph/ may import only nothing of ours'],
    ['src/contracts/backend.ts', "import { buildTrainingProgram } from '../train/program.ts';", 'only with `import type`'],
    ['src/plugins/models/mlp/mlp.ts', "import { runParity } from '../../../orchestrator/parity/run-parity.ts';", 'src/plugins/ may import only'],
  ])('fails on a wrong-direction import in %s', async (file, line, expected) => {
    const r = await lint(copyWith(file, line));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).toContain(file);
  });
});
