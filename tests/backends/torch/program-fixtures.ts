import { Rng } from '../../../src/data/rng.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import { mlpModel } from '../../../src/plugins/models/mlp/mlp.ts';
import { lossBuilder } from '../../../src/train/losses/loss-builder.ts';
import type { LossBuilder } from '../../../src/train/loss-scope.ts';
import { createOptimizer } from '../../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../../src/train/program.ts';

export type Float = 'float32' | 'float64';

/** A 2-16-16-1 tanh MLP fitting y = sin(x0)·x1 with an mse term. */
export async function regressionProgram(dtype: Float, optimizer: Record<string, unknown>, batch = 16, clip?: { max_norm: number }): Promise<TrainingProgram> {
  const model = await mlpModel.create(mlpModel.params.parse({ in_features: 2, hidden: [16, 16], out_features: 1, output: 'y_hat' }));
  return buildTrainingProgram(
    {
      name: 'regression',
      model,
      seed: 11,
      dtype,
      inputs: { x: { dtype, shape: [2], perSample: true }, y: { dtype, shape: [1], perSample: true } },
      loss: lossBuilder({ data: { kind: 'mse', output: 'y_hat', target: 'y', weight: 1 } }),
      optimizer: createOptimizer(optimizer),
      ...(clip ? { clip } : {}),
    },
    batch,
  );
}

/** Poisson-like PINN residual u_xx + u_yy + u² on 2-D points, plus a boundary-ish data term. */
export async function pinnProgram(dtype: Float, optimizer: Record<string, unknown>, n = 12): Promise<TrainingProgram> {
  const model = await mlpModel.create(mlpModel.params.parse({ in_features: 2, hidden: [12, 12], out_features: 1, output: 'u' }));
  const column = (k: number) => tensor(dtype, [n, 2], Array.from({ length: 2 * n }, (_, i) => (i % 2 === k ? 1 : 0)));
  const loss: LossBuilder = (scope) => {
    const [ux] = scope.derivative(scope.outputs.u, [scope.inputs.x]);
    const [dxx] = scope.derivative(ux, [scope.inputs.x], column(0));
    const [dyy] = scope.derivative(ux, [scope.inputs.x], column(1));
    const g = scope.g;
    const lap = g.add(g.reduceSum(g.mul(dxx, g.constant(column(0))), [1]), g.reduceSum(g.mul(dyy, g.constant(column(1))), [1]));
    const r = g.add(lap, g.mul(scope.outputs.u, scope.outputs.u));
    const d = g.sub(scope.outputs.u, scope.inputs.u_bc);
    return {
      pde: { value: g.reduceMean(g.mul(r, r), undefined, false), weight: 1 },
      bc: { value: g.reduceMean(g.mul(d, d), undefined, false), weight: 0.5 },
    };
  };
  return buildTrainingProgram(
    {
      name: 'pinn',
      model,
      seed: 5,
      dtype,
      inputs: { x: { dtype, shape: [2], perSample: true }, u_bc: { dtype, shape: [1], perSample: true } },
      loss,
      optimizer: createOptimizer(optimizer),
    },
    n,
  );
}

/** Deterministic batches for a program's per-sample data inputs, uniform in [-1, 1]. */
export function batches(program: TrainingProgram, count: number, seed = 1, size = program.batchSize): Map<string, Tensor>[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const m = new Map<string, Tensor>();
    for (const input of program.dataInputs) {
      const shape = [size, ...input.shape.slice(1)];
      m.set(input.name, tensor(input.dtype, shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rng.uniform() - 1)));
    }
    return m;
  });
}
