import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpzFile, writeNpzFile } from '../../src/data/npz.ts';
import { cli } from '../cli/run-cli.ts';

// specs/checkpoints.md §2: a checkpoint of an equation-written PINN records the adapter's loss context, so
// `tandem infer` rebuilds its program (loss included) from the manifest alone.
describe('tandem infer on a PINN checkpoint', () => {
  it('rebuilds the equation-written program without the config and predicts u at new points', async () => {
    const work = mkdtempSync(join(tmpdir(), 'tandem-pinn-infer-'));
    const outputs = join(work, 'outputs');
    const tiny = ['adapter.params.points.interior=20', 'adapter.params.points.boundary=4', 'adapter.params.points.initial=4', 'adapter.params.test_grid={x: 4, t: 3}', 'train.epochs=2', '~train.lbfgs', '+train.checkpoint={save_last: true}'];
    const run = await cli('run', 'conf/heat_pinn.yaml', ...tiny, '--outputs', outputs);
    expect(run.code, run.stderr).toBe(0);
    const [day] = readdirSync(outputs);
    const [time] = readdirSync(join(outputs, day));
    const alone = join(work, 'alone');
    cpSync(join(outputs, day, time, 'checkpoints', 'last'), alone, { recursive: true, dereference: true });
    writeNpzFile(join(work, 'in.npz'), { coords: { dtype: 'float32', shape: [3, 2], data: Float32Array.of(0.5, 0, 0.25, 0.1, 1, 0.5), dims: ['batch', 'vector'] } });
    const r = await cli('infer', '--checkpoint', alone, '--input', join(work, 'in.npz'), '--output', join(work, 'out.npz'));
    expect(r.code, r.stderr).toBe(0);
    expect(readNpzFile(join(work, 'out.npz')).arrays.get('u')).toMatchObject({ shape: [3, 1] });
  }, 120_000);
});
