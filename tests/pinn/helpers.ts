import type { GraphBuilder, Value } from '../../src/graph/builder.ts';
import { tensor, type Tensor } from '../../src/graph/tensor.ts';
import type { Model } from '../../src/contracts/model.ts';
import type { ParameterSet } from '../../src/contracts/parameters.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import type { Session } from '../../src/contracts/backend.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import type { LossTermConfig } from '../../src/train/losses/loss-kind.ts';
import type { PointDomain } from '../../src/physics/pinn/point-domain.ts';
import { lossTermSchema } from '../../src/train/losses/term-schema.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../src/train/program.ts';

/**
 * A "network" that is a known function of (x, y, t), written in graph ops, times a trainable scale (1 at start):
 *   u = sin(2x)·cos(3y)·exp(t/2),  v = x²·t
 * so every derivative an equation asks for has a closed form to compare with.
 */
export const analyticModel: Model = {
  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet) {
    const p = inputs.coords;
    const dt = p.dtype;
    const col = (j: number) => g.slice(p, [j], [j + 1], [1]);
    const c = (v: number) => g.scalar(v, dt);
    const [x, y, t] = [col(0), col(1), col(2)];
    const scale = params.declare('scale', [1], { kind: 'constant', value: 1 });
    const u = g.mul(g.mul(g.sin(g.mul(c(2), x)), g.cos(g.mul(c(3), y))), g.exp(g.mul(c(0.5), t)));
    return { u: g.mul(scale, u), v: g.mul(scale, g.mul(g.mul(x, x), t)) };
  },
  effectiveSettings: () => ({}),
};

export const N = 16;

/** The domain of the analytic model: one point set, `all`, selecting every row. */
export function domainOf(constants: PointDomain['constants'] = {}): PointDomain {
  return { where: 'adapter.params', coords: 'coords', coordinates: ['x', 'y', 't'], constants, sets: { all: 'mask_all' }, solution: {} };
}

/** Terms parsed as the config parser does (defaults applied, equations checked). */
export function terms(raw: Record<string, Record<string, unknown>>): Record<string, LossTermConfig> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, lossTermSchema.parse(v)]));
}

export function analyticProgram(loss: Record<string, LossTermConfig>, domain = domainOf()): TrainingProgram {
  return buildTrainingProgram(
    {
      name: 'equations',
      model: analyticModel,
      seed: 0,
      dtype: 'float64',
      inputs: { coords: { dtype: 'float64', shape: [3], perSample: true }, mask_all: { dtype: 'float64', shape: [1], perSample: true } },
      loss: lossBuilder(loss, 'train.loss', { domain }),
      optimizer: createOptimizer({ name: 'sgd', lr: 0.1 }),
    },
    N,
  );
}

export async function ortSession(program: TrainingProgram): Promise<Session> {
  return (await ortBackend.create(ortBackend.params.parse({ dtype: 'float64', threads: 1 }))).compile(program);
}

/** N seeded points in [−1, 1] × [−1, 1] × [0, 1]. */
export function analyticFeed(): Map<string, Tensor> {
  const frac = (v: number) => v - Math.floor(v);
  const pts: number[] = [];
  for (let i = 0; i < N; i++) pts.push(2 * frac(i * 0.618034) - 1, 2 * frac(i * 0.414214 + 0.3) - 1, frac(i * 0.732051 + 0.1));
  return new Map([
    ['coords', tensor('float64', [N, 3], pts)],
    ['mask_all', tensor('float64', [N, 1], new Array<number>(N).fill(1))],
  ]);
}
