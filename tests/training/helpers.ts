import { mlpModel } from '../../src/plugins/models/mlp/mlp.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import type { DataTermConfig } from '../../src/train/losses/data/data-terms.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import type { ProgramSpec } from '../../src/train/program.ts';

/** A small MLP regression program: x [2] → y [1], target u [1], MSE, Adam. */
export async function smallSpec(overrides: Partial<ProgramSpec> & { terms?: Record<string, DataTermConfig>; hidden?: number[] } = {}): Promise<ProgramSpec> {
  const { terms, hidden, ...rest } = overrides;
  const model = await mlpModel.create(mlpModel.params.parse({ in_features: 2, hidden: hidden ?? [8, 8], out_features: 1 }));
  return {
    name: 'small',
    model,
    seed: 3,
    dtype: 'float32',
    inputs: { x: { dtype: 'float32', shape: [2], perSample: true }, u: { dtype: 'float32', shape: [1], perSample: true } },
    loss: lossBuilder(terms ?? { data: { kind: 'mse', output: 'y', target: 'u', weight: 1 } }),
    optimizer: createOptimizer({ name: 'adam', lr: 1e-2 }),
    ...rest,
  };
}
