// spec: specs/checkpoints.md §1 (naming, top-k, last), §2 (manifest)
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpzFile } from '../../src/data/npz.ts';
import { sha256Hex } from '../../src/util/hash.ts';
import { loadCheckpoint } from '../../src/train/checkpoint/read-checkpoint.ts';
import { trainWithCheckpoints } from './helpers.ts';

const listing = (dir: string) => readdirSync(dir).sort();

describe('checkpoint directory', () => {
  it('keeps the best save_top_k epoch-end checkpoints by the monitor, and last points at the final state', async () => {
    const { runDir, results } = await trainWithCheckpoints({ monitor: 'validation/loss', mode: 'min', save_top_k: 2 }, { epochs: 4 });
    const dir = join(runDir, 'checkpoints');
    const val = results.history.map((h) => h.validation!.loss);
    const best2 = [...val.keys()].sort((a, b) => val[a] - val[b]).slice(0, 2).sort();
    expect(listing(dir)).toEqual([...best2.map((e) => `epoch=${e}-step=${4 * (e + 1)}`), 'last', 'last.step=16'].sort());
    expect(readlinkSync(join(dir, 'last'))).toBe('last.step=16');
    const best = best2.reduce((a, b) => (val[a] <= val[b] ? a : b));
    expect(results.checkpoint).toEqual({ dir, last: join(dir, 'last'), best: join(dir, `epoch=${best}-step=${4 * (best + 1)}`), monitor: 'validation/loss', bestScore: val[best] });
    // Nothing half-written is left behind.
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('mode max keeps the highest values; without a monitor the newest k are kept', async () => {
    const max = await trainWithCheckpoints({ monitor: 'validation/loss', mode: 'max', save_top_k: 1 });
    const val = max.results.history.map((h) => h.validation!.loss);
    const worst = val.indexOf(Math.max(...val));
    expect(listing(join(max.runDir, 'checkpoints'))).toContain(`epoch=${worst}-step=${4 * (worst + 1)}`);
    const newest = await trainWithCheckpoints({ save_top_k: 2, save_last: false });
    expect(listing(join(newest.runDir, 'checkpoints'))).toEqual(['epoch=1-step=8', 'epoch=2-step=12']);
    expect(newest.results.checkpoint!.last).toBeNull();
  });

  it('every_n_epochs spaces the epoch-end checkpoints; every_n_steps moves last mid-epoch', async () => {
    const { runDir } = await trainWithCheckpoints({ every_n_epochs: 2, save_top_k: -1 }, { epochs: 4 });
    expect(listing(join(runDir, 'checkpoints'))).toEqual(['epoch=1-step=8', 'epoch=3-step=16', 'last', 'last.step=16']);
    // 3 epochs of 4 steps, last every 5 steps: the newest mid-epoch save (step 10) is overwritten by the end state.
    const steps = await trainWithCheckpoints({ every_n_epochs: 0, every_n_steps: 5 }, { epochs: 2, early_stop: undefined });
    const manifest = loadCheckpoint(join(steps.runDir, 'checkpoints', 'last')).manifest;
    expect(manifest.loop.steps).toBe(8);
    expect(manifest.loop).toMatchObject({ epoch: 2, batch: 0 });
  });

  it('writes a manifest with everything needed to resume and to rebuild the model, and checksums of each file', async () => {
    const { runDir } = await trainWithCheckpoints({}, { epochs: 2 });
    const dir = join(runDir, 'checkpoints', 'epoch=1-step=8');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      format: 'tandem.checkpoint',
      version: 1,
      name: 'epoch=1-step=8',
      configHash: 'a'.repeat(64),
      model: { name: 'mlp', params: { in_features: 2, hidden: [8], out_features: 1, output: 'u_hat', activation: 'tanh' } },
      dtype: 'float32',
      inputs: { x: { dtype: 'float32', shape: [2], perSample: true, dims: ['vector'] }, u: { dtype: 'float32', shape: [1], perSample: true } },
      outputs: ['u_hat'],
      state: { params: ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias'] },
      backend: { name: 'onnxruntime' },
      batchSize: 16,
      loop: { epoch: 2, batch: 0, steps: 8, stop: null, schedule: { name: 'constant' } },
      rng: { batchOrder: { seed: 0, split: 'train', epoch: 2 } },
    });
    expect(manifest.state.slots).toContain('layers.0.weight/exp_avg_sq');
    expect(manifest.loop.history).toHaveLength(2);
    expect(Object.keys(manifest.versions)).toEqual(expect.arrayContaining(['node', 'tandem', 'onnxruntime', 'tfjs']));
    for (const file of ['params.npz', 'optimizer.npz']) {
      expect(manifest.files[file].sha256).toBe(sha256Hex(readFileSync(join(dir, file))));
    }
    // numpy-readable state with the names of specs/backend.md.
    expect([...readNpzFile(join(dir, 'optimizer.npz')).arrays.keys()]).toContain('layers.1.bias/exp_avg');
    expect(existsSync(join(dir, 'params.npz'))).toBe(true);
  });
});
