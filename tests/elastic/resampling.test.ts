import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EpochOptions, SplitName } from '../../src/data/container.ts';
import { trainSchema } from '../../src/orchestrator/config/train-schema.ts';
import { elasticAdapter } from '../../src/plugins/adapters/elastic/elastic-adapter.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { mlpModel } from '../../src/plugins/models/mlp/mlp.ts';
import { silentProgress } from '../../src/train/progress.ts';
import { TrainingRun, type TrainSettings } from '../../src/train/training-run.ts';
import { trainingStages } from '../../src/train/training-stages.ts';
import './helpers.ts'; // registers the elastic loss kinds

// specs/elastic-pinn.md §9: with resample_every K the train split is collocation round floor(epoch / K), a pure
// function of (seed, epoch); the test grid (validation) never changes.
const SMALL = { points: { interior: 40, boundary: 16, initial: 16 }, test_grid: { n: 3, nt: 2 } };
const adapter = (extra: Record<string, unknown>) => elasticAdapter.create(elasticAdapter.params.parse({ ...SMALL, ...extra }));
const xyt = async (a: Awaited<ReturnType<typeof adapter>>, split: SplitName, epoch: number) => {
  const o: EpochOptions = { batchSize: split === 'train' ? 72 : 18, seed: 0, epoch, shuffle: false };
  return [...(a.epochBatches!(split, o).at(0).tensors.get('xyt')!.data as Float64Array)];
};

describe('elastic collocation resampling', () => {
  it('draws new train points at epoch K, keeps them within a round, repeats them for the same seed, and keeps the test grid', async () => {
    const a = await adapter({ resample_every: 2 });
    const b = await adapter({ resample_every: 2 });
    const e0 = await xyt(a, 'train', 0);
    expect(await xyt(a, 'train', 1)).toEqual(e0);
    const e2 = await xyt(a, 'train', 2);
    expect(e2).not.toEqual(e0);
    expect(e2.length).toBe(e0.length);
    expect(await xyt(a, 'train', 3)).toEqual(e2);
    expect(await xyt(b, 'train', 2)).toEqual(e2); // a fresh adapter, same seed: the same round-1 points
    expect(await xyt(a, 'train', 4)).not.toEqual(e2);
    expect(await xyt(a, 'train', 0)).toEqual(e0); // going back (a resumed run) draws round 0 again
    expect(await xyt(a, 'validation', 4)).toEqual(await xyt(a, 'validation', 0));
    const other = await adapter({ resample_every: 2, seed: 1 });
    expect(await xyt(other, 'train', 2)).not.toEqual(e2);
    // Without resampling every epoch is round 0.
    expect(await xyt(await adapter({}), 'train', 6)).toEqual(e0);
  });

  it('a run with resample_every trains and differs from a fixed-set run after the first resample', async () => {
    const losses = async (resample_every: number) => {
      const runDir = mkdtempSync(join(tmpdir(), 'tandem-elastic-resample-'));
      const run = new TrainingRun({
        adapter: await adapter({ resample_every }),
        model: await mlpModel.create(mlpModel.params.parse({ input: 'xyt', in_features: 3, hidden: [8], out_features: 2, output: 'u' })),
        backend: await ortBackend.create(ortBackend.params.parse({ threads: 1 })),
        runDir,
        experiment: 'elastic-resample',
        seed: 0,
        progress: silentProgress,
        train: trainSchema.parse({
          epochs: 4,
          batch_size: 1000,
          optimizer: { name: 'adam', lr: 1e-2 },
          loss: { pde: { kind: 'elastic_residual', mask: 'mask_pde' }, bc: { kind: 'mse', output: 'u', target: 'u_ref', mask: 'mask_bc', weight: 10 } },
        }) as TrainSettings,
      });
      for (const stage of trainingStages(run)) await stage.execute();
      const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as { history: { train: { loss: number } }[] };
      return results.history.map((h) => h.train.loss);
    };
    const fixed = await losses(0);
    const resampled = await losses(2);
    expect(resampled.every(Number.isFinite)).toBe(true);
    // Epochs 0–1 see round 0 in both runs (one full batch per epoch): the same losses; epoch 2 sees new points.
    expect(resampled.slice(0, 2)).toEqual(fixed.slice(0, 2));
    expect(resampled[2]).not.toBe(fixed[2]);
  });
});
