// examples/torch-module/darcy-unet.yaml (README "A PyTorch module as the model"): it trains on tfjs, and parity
// against the module itself, the default reference of a torch-module model, passes every stage on both backends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../../src/parity/report.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli } from '../../cli/run-cli.ts';

const CONFIG = 'examples/torch-module/darcy-unet.yaml';
const { ref, skip } = await openReference('torch-module example parity');
await ref.dispose();
const root = mkdtempSync(join(tmpdir(), 'tandem-torch-module-parity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SMALL = [`adapter.params.cache_dir=${join(root, 'cache')}`, 'adapter.params.n_train=16', 'adapter.params.n_test=8'];

describe.skipIf(!!skip)('examples/torch-module/darcy-unet.yaml', () => {
  it('tandem run trains the module on tfjs', async () => {
    const r = await cli('run', CONFIG, '--outputs', join(root, 'run'), ...SMALL, 'train.epochs=1', 'backend.name=tfjs');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stage model: exported examples\/torch-module\/models\/darcy_unet\.py:build .* \(16 parameters, 0 buffers\); export fidelity: 11 values .* agree/);
    expect(r.stdout).toMatch(/stage train: 1 epoch\(s\), 2 steps in .* on tfjs/);
  }, 60_000);

  it('tandem parity against the module passes every stage on onnxruntime and tfjs', async () => {
    const outputs = join(root, 'parity');
    const r = await cli('parity', CONFIG, '--outputs', outputs, '--json', ...SMALL, '+parity={trajectory_steps:3}');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { reference: string; cases: { id: string; verdict: string }[] };
    expect(JSON.stringify(report.reference)).toContain('torch-module:models/darcy_unet.py:build');
    expect(report.cases.map((c) => c.id).sort()).toEqual(['onnxruntime', 'tfjs'].flatMap((b) => STAGES.map((s) => `darcy-unet-torch/${b}/${s}`)).sort());
    expect(report.cases.filter((c) => c.verdict !== 'pass')).toEqual([]);
  }, 120_000);
});
