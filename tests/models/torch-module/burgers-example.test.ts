// examples/torch-module/ (README "A PyTorch module as the model", specs/models.md "torch-module"): the example
// trains through the real CLI, with its module path relative to the config file, and infers from its checkpoint;
// the same config with a module whose export is wrong is refused (exit 2, nothing half-written).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpzFile, writeNpzFile } from '../../../src/data/npz.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli, runStatuses } from '../../cli/run-cli.ts';

const CONFIG = 'examples/torch-module/burgers-unet.yaml';
const { ref, skip } = await openReference('torch-module example');
await ref.dispose();
const root = mkdtempSync(join(tmpdir(), 'tandem-torch-module-example-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SMALL = [`adapter.params.cache_dir=${join(root, 'cache')}`, 'adapter.params.steps=8', 'train.epochs=1'];

/** The files of the one run directory under `outputs`. */
function runFiles(outputs: string): string[] {
  const [day] = readdirSync(outputs);
  const [time] = readdirSync(join(outputs, day));
  return readdirSync(join(outputs, day, time));
}

describe.skipIf(!!skip)('examples/torch-module: a PyTorch module trained and checked through the CLI', () => {
  it('tandem run exports the module (path relative to the config), trains it, keeps the export; tandem infer rebuilds it', async () => {
    const outputs = join(root, 'run');
    const r = await cli('run', CONFIG, '--outputs', outputs, ...SMALL, '+train.checkpoint={every_n_epochs:1}');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stage model: exported examples\/torch-module\/models\/burgers_unet\.py:build to .*torch-module\.onnx \(10 parameters, 0 buffers\); export fidelity: \d+ values/);
    expect(runFiles(outputs)).toContain('torch-module.onnx');

    // tandem infer rebuilds the model from the checkpoint manifest: the module is exported again (on zeros).
    const [day] = readdirSync(outputs);
    const [time] = readdirSync(join(outputs, day));
    const checkpoints = join(outputs, day, time, 'checkpoints');
    const checkpoint = join(checkpoints, readdirSync(checkpoints).find((d) => d.startsWith('epoch='))!);
    const input = join(root, 'windows.npz');
    writeNpzFile(input, { velocity: { dtype: 'float32', shape: [2, 3, 32, 1], data: Float32Array.from({ length: 192 }, (_, i) => Math.sin((2 * Math.PI * (i % 32)) / 32)), dims: ['batch', 'time', 'x', 'vector'] } });
    const out = join(root, 'predictions.npz');
    const inferred = await cli('infer', '--checkpoint', checkpoint, '--input', input, '--output', out);
    expect(inferred.code, inferred.stderr).toBe(0);
    const u = readNpzFile(out).arrays.get('u_pred')!;
    expect(u.shape).toEqual([2, 32, 1]);
    expect((u.data as Float32Array).every(Number.isFinite)).toBe(true);
  }, 90_000);

  it('refuses a module whose export departs from it: exit 2, the node and submodule named, no export kept', async () => {
    const outputs = join(root, 'refused');
    const r = await cli('run', CONFIG, '--outputs', outputs, ...SMALL, 'model.params.module=tests/models/torch-module/modules.py:circular_step');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/node "\/conv\/Conv" \(Conv\) of submodule conv \(Conv1d\)/);
    expect(r.stderr.match(/^error: /gm)).toHaveLength(1);
    expect(runStatuses(outputs)).toEqual(['failed']);
    expect(runFiles(outputs).filter((f) => f !== '.tandem' && f !== 'summary.json')).toEqual([]);
  }, 60_000);

});
