import { join } from 'node:path';
import { PtychoAdapter, ptychoAdapter } from '../../src/plugins/adapters/ptycho/ptycho-adapter.ts';
import { ptychoModel } from '../../src/plugins/models/ptycho/ptycho-model.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram, type DataInputSpec, type TrainingProgram } from '../../src/train/program.ts';
import { constantFeeds, feedOf } from '../../src/train/trainer.ts';
import type { BatchFeed } from '../../src/contracts/backend.ts';
import { scratchDir, TINY_SIMULATION } from './fixtures.ts';

/** A tiny simulated ptycho data set (16×16 object, N = 8) through the real adapter, and its training program. */
export async function tinyPtycho(label: string, params: Record<string, unknown> = {}, batch = 4): Promise<{ adapter: PtychoAdapter; program: TrainingProgram; batch: BatchFeed; dir: string }> {
  const dir = scratchDir(label);
  const adapter = await ptychoAdapter.create(ptychoAdapter.params.parse({ path: join(dir, 'tiny.npz'), simulate: TINY_SIMULATION, n_groups: 20, ...params }));
  const data = adapter.container();
  const inputs: Record<string, DataInputSpec> = {};
  for (const [key, s] of Object.entries(data.specs())) inputs[key] = { dtype: s.dtype as 'float32', shape: s.shape, perSample: s.perSample };
  const program = buildTrainingProgram(
    {
      name: 'ptycho-tiny',
      model: await ptychoModel.create(ptychoModel.params.parse({ filters: 4 })),
      seed: 3,
      dtype: 'float32',
      inputs,
      loss: lossBuilder({ nll: { kind: 'poisson_nll', output: 'intensity', target: 'counts', eps: 1e-8, weight: 1 } }),
      optimizer: createOptimizer({ name: 'adam', lr: 1e-2 }),
    },
    batch,
  );
  const feed = feedOf(data.epoch('train', { batchSize: batch, seed: 0, epoch: 0 }).at(0), constantFeeds(data));
  return { adapter, program, batch: feed, dir };
}
