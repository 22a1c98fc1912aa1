import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runParity } from '../../../src/orchestrator/parity/run-parity.ts';
import { ModuleTorchReference } from '../../../src/plugins/backends/torch/module-torch-reference.ts';
import { builtinPlugins } from '../../../src/plugins/index.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli, runStatuses } from '../../cli/run-cli.ts';
import { writeModuleConfig, writeModuleExperiments } from './fixture.ts';

/**
 * A torch-module reference the user must fix: one message saying what and where, exit 2, no run directory,
 * and no Python process left behind (the reference is checked before anything is written, and disposed).
 * Two cases go through the CLI as a user runs it; the others share this file's Python process (faster).
 */
const { ref: shared, skip } = await openReference('tests/parity/torch-module/bad-input.test.ts');
const dir = skip ? '' : await writeModuleExperiments();

/** Reference processes (reference/main.py) this test process started and that still run, besides the shared one. */
function leftoverReferences(): string[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when the process has no children at all.
  }
  return out.split('\n').filter((l) => l.includes('reference/main.py') && Number(l.trim().split(' ')[0]) !== shared.process.pid);
}

/** A config for `graph`, with `factory` of ports.py as its reference when given, and `map` as its weights map. */
function configWith(name: string, graph: string, map: string, factory?: string): string {
  if (map) writeFileSync(join(dir, `${name}-map.yaml`), map);
  const parts = [factory ? `reference: 'torch-module:ports.py:${factory}'` : '', map ? `weights: { map: ${name}-map.yaml }` : ''];
  return writeModuleConfig(dir, name, graph, parts.filter(Boolean).join(', '));
}

describe.skipIf(skip)('torch-module reference: bad input', () => {
  afterAll(() => shared.dispose());

  it.each([
    ['a missing file', 'torch-module:nets/missing.py:build', ['the module file "nets/missing.py" does not exist', 'relative to the config file']],
    ['a factory that raises', 'torch-module:ports.py:build_raises', ['"build_raises()"', 'raised ValueError: width 16 is not supported by this port', 'ports.py", line 73, in build_raises']],
  ])('tandem parity with %s: exit 2, one message, nothing written, no Python left running', async (what, reference, phrases) => {
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-torch-module-bad-'));
    const r = await cli('parity', configWith(what.replaceAll(/[^a-z]+/g, '-'), 'block.onnx', ''), `+parity.reference=${reference}`, '--outputs', outputs);
    expect(r.code, r.stderr).toBe(2);
    for (const p of phrases) expect(r.stderr).toContain(p);
    expect(r.stderr.trim().split('\n').filter((l) => /error/i.test(l))).toHaveLength(1);
    expect(runStatuses(outputs)).toEqual([]);
    expect(leftoverReferences()).toEqual([]);
  }, 60_000);

  it.each([
    ['a missing callable', 'nope', 'block.onnx', '', ['has no callable "nope"', 'build_eps']],
    ['a factory that returns no nn.Module', 'build_not_module', 'block.onnx', '', ['returned a value of type dict, not a torch.nn.Module']],
    [
      'parameters that cannot all be paired',
      'build',
      'mlp.onnx',
      '',
      ['graph tensors with no module tensor: fc1.bias, fc2.bias, onnx::MatMul_12, onnx::MatMul_13', 'module parameters with no graph tensor: conv.weight, conv.bias, norm.weight, norm.bias, head.weight, head.bias', 'parity.weights.map'],
    ],
    ['a map naming a tensor the graph lacks', 'build', 'block.onnx', 'tensors:\n  head.wieght: { transpose: true }\n', ["names 'head.wieght', which the graph does not have", 'head.weight']],
  ])('%s: a usage error (exit 2) before anything is written', async (what, factory, graph, map, phrases) => {
    const name = what.replaceAll(/[^a-z]+/g, '-');
    const outputs = mkdtempSync(join(tmpdir(), 'tandem-torch-module-bad-'));
    const config = configWith(name, graph, map, factory);
    const reference = new ModuleTorchReference({
      file: join(dir, 'ports.py'),
      callable: factory,
      label: `torch-module:ports.py:${factory}`,
      process: shared.process,
      ...(map ? { weightsMap: { path: join(dir, `${name}-map.yaml`), label: `${name}-map.yaml` } } : {}),
    });
    const run = runParity({ configFile: config, overrides: [], builtins: builtinPlugins, outputsRoot: outputs, selectors: [], reference });
    const error = await run.then(() => undefined, (e: Error & { exitCode?: number }) => e);
    expect(error?.exitCode, error?.message).toBe(2);
    for (const p of phrases) expect(error!.message).toContain(p);
    expect(runStatuses(outputs)).toEqual([]);
  }, 60_000);
});
