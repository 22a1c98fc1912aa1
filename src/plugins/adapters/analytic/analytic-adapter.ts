import { z } from 'zod';
import { DataContainer } from '../../../data/container.ts';
import { validate, type ValidatedData } from '../../../data/contract.ts';
import type { RawData } from '../../../data/raw-data.ts';
import { rngFor } from '../../../data/rng.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { DataAdapter } from '../../../contracts/adapter.ts';

/**
 * Samples of a known function, generated from the seed: data for the quickstart and for tests that must not
 * depend on a file. Inputs are uniform on the function's domain; the target may carry Gaussian noise.
 *   sin1d: u(x)    = sin(πx),          x ∈ [−1, 1]
 *   sin2d: u(x, y) = sin(πx)·sin(πy),  (x, y) ∈ [0, 1]²
 * Keys: `x` [batch, vector] (the coordinates) and `u` [batch, vector] (the value, one component).
 * The first n_train samples are the train split, the last n_val the validation split.
 */
const FUNCTIONS = {
  sin1d: { dims: 1, low: -1, high: 1, f: (p: number[]) => Math.sin(Math.PI * p[0]) },
  sin2d: { dims: 2, low: 0, high: 1, f: (p: number[]) => Math.sin(Math.PI * p[0]) * Math.sin(Math.PI * p[1]) },
} as const;

export const analyticAdapterParams = z
  .object({
    function: z.enum(Object.keys(FUNCTIONS) as [keyof typeof FUNCTIONS]).default('sin2d'),
    n_train: z.int().min(1).default(1024),
    n_val: z.int().min(0).default(256),
    seed: z.int().min(0).default(0).describe('seed of the samples (independent of the run seed that orders batches)'),
    noise: z.number().min(0).default(0).describe('standard deviation of Gaussian noise added to u'),
  })
  .strict();
export type AnalyticAdapterParams = z.infer<typeof analyticAdapterParams>;

export function generateAnalytic(p: AnalyticAdapterParams): RawData {
  const fn = FUNCTIONS[p.function];
  const n = p.n_train + p.n_val;
  const x = new Float32Array(n * fn.dims);
  const u = new Float32Array(n);
  const rx = rngFor(p.seed, 'analytic', p.function, 'x');
  const rn = rngFor(p.seed, 'analytic', p.function, 'noise');
  for (let i = 0; i < n; i++) {
    const point = Array.from({ length: fn.dims }, () => fn.low + (fn.high - fn.low) * rx.uniform());
    x.set(point, i * fn.dims);
    u[i] = fn.f(point) + (p.noise > 0 ? p.noise * rn.normal() : 0);
  }
  return {
    source: `analytic generator "${p.function}" (seed ${p.seed})`,
    arrays: new Map([
      ['x', { dtype: 'float32', shape: [n, fn.dims], data: x }],
      ['u', { dtype: 'float32', shape: [n, 1], data: u }],
    ]),
    attrs: { function: p.function, noise: p.noise },
  };
}

class AnalyticAdapter implements DataAdapter {
  private readonly data: DataContainer;
  private readonly validated: ValidatedData;

  constructor(private readonly p: AnalyticAdapterParams) {
    const dims = FUNCTIONS[p.function].dims;
    this.validated = validate(generateAnalytic(p), {
      keys: {
        x: { dtype: 'float32', dims: ['batch', 'vector'], shape: ['n', dims] },
        u: { dtype: 'float32', dims: ['batch', 'vector'], shape: ['n', 1] },
      },
    });
    const n = p.n_train + p.n_val;
    this.data = DataContainer.create(this.validated, 'batch', { validation: p.n_val / n, seed: p.seed, shuffle: false });
  }

  container(): DataContainer {
    return this.data;
  }

  effectiveSettings(): Record<string, unknown> {
    return {
      ...this.p,
      resolved: { in_features: FUNCTIONS[this.p.function].dims, samples: { train: this.data.split.train.length, validation: this.data.split.validation.length } },
    };
  }
}

export const analyticAdapter: PluginDefinition<'adapter', AnalyticAdapterParams, AnalyticAdapter> = {
  kind: 'adapter',
  name: 'analytic',
  description: 'Seeded samples of a known function (sin1d, sin2d), optionally noisy: self-contained data for the quickstart and tests',
  params: analyticAdapterParams,
  create: (p) => new AnalyticAdapter(p),
};
