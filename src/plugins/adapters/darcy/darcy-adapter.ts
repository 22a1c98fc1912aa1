import { z } from 'zod';
import { DataContainer } from '../../../data/container.ts';
import type { ValidatedArray, ValidatedData } from '../../../data/contract.ts';
import { namedTensor } from '../../../data/named-tensor.ts';
import { loadOrGenerateDarcy, type CachedDarcy } from '../../../physics/darcy/darcy-dataset.ts';
import { resolutionProblem } from '../../../physics/darcy/darcy-solver.ts';
import { fieldStats, normalized, type FieldStats } from '../../../physics/darcy/normalization.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { DataAdapter } from '../../../contracts/adapter.ts';

export const darcyAdapterParams = z
  .object({
    resolution: z
      .int()
      .default(64)
      .superRefine((n, ctx) => {
        const problem = resolutionProblem(n);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('cells per side of the unit square; m·2^k with m ≤ 8 (the multigrid coarsens to ≤ 8×8)'),
    n_train: z.int().min(1).default(1000),
    n_test: z.int().min(0).default(100),
    seed: z.int().min(0).default(0).describe('seed of the permeability fields (the run seed orders batches)'),
    permeability: z
      .object({
        frequencies: z.int().min(1).max(32).default(5).describe('Fourier frequencies per axis (PhysicsNeMo nr_permeability_freq)'),
        low: z.number().positive().default(0.5),
        high: z.number().positive().default(2.0),
        threshold: z.number().default(0),
      })
      .strict()
      .prefault({}),
    source: z.number().default(1).describe('constant source term f'),
    tolerance: z.number().positive().max(1e-2).default(1e-8).describe('relative residual ‖b − A·u‖/‖b‖ each solve reaches'),
    normalize: z.boolean().default(true).describe('hand out (x − mean)/std with the training-split statistics'),
    cache_dir: z.string().min(1).default('.cache/darcy'),
  })
  .strict();
export type DarcyAdapterParams = z.infer<typeof darcyAdapterParams>;

export type DarcyNormalization = Record<'permeability' | 'darcy', FieldStats>;

/**
 * Darcy2D data (docs/reference/seed-systems.md §2.1): two-valued random permeability → pressure u solving −∇·(k∇u) = f with
 * u = 0 on the boundary, generated once per parameter set and cached. The container holds `permeability` and
 * `darcy` per sample; the first n_train samples are the train split, the last n_test the validation (test) split.
 * The normalisation statistics come from the train split only and are reported in effectiveSettings, which the
 * run records, so a model's outputs can be de-normalised later.
 */
export class DarcyAdapter implements DataAdapter {
  private readonly cached: CachedDarcy;
  private readonly stats: DarcyNormalization;
  private readonly data: DataContainer;
  private readonly messages: string[] = [];

  constructor(private readonly p: DarcyAdapterParams) {
    const { resolution, n_train, n_test, seed, permeability, source, tolerance } = p;
    this.cached = loadOrGenerateDarcy({ resolution, n_train, n_test, seed, permeability, source, tolerance }, p.cache_dir, (m) => {
      this.messages.push(m);
      console.warn(`darcy adapter: ${m}`);
    });
    const arrays = this.cached.data.arrays;
    const perSample = resolution * resolution;
    this.stats = {
      permeability: fieldStats(arrays.get('permeability')!.data as Float32Array, perSample, n_train),
      darcy: fieldStats(arrays.get('darcy')!.data as Float32Array, perSample, n_train),
    };
    const handed: ValidatedData = p.normalize ? { ...this.cached.data, arrays: new Map([...arrays].map(([key, a]) => [key, this.normalize(key as keyof DarcyNormalization, a)])) } : this.cached.data;
    this.data = DataContainer.create(handed, 'batch', { validation: n_test / (n_train + n_test), seed, shuffle: false });
  }

  container(): DataContainer {
    return this.data;
  }

  /** Train-split mean and std of each field (used for the container's values when `normalize` is on). */
  normalization(): DarcyNormalization {
    return this.stats;
  }

  effectiveSettings(): Record<string, unknown> {
    return {
      ...this.p,
      resolved: {
        normalization: this.stats,
        normalized: this.p.normalize,
        samples: { train: this.data.split.train.length, test: this.data.split.validation.length },
        solver: this.cached.solver,
        cache: { file: this.cached.path, outcome: this.cached.outcome, messages: [...this.messages] },
      },
    };
  }

  private normalize(key: keyof DarcyNormalization, a: ValidatedArray): ValidatedArray {
    return namedTensor(a.dtype, a.shape, a.dims, normalized(a.data as Float32Array, this.stats[key]));
  }
}

export const darcyAdapter: PluginDefinition<'adapter', DarcyAdapterParams, DarcyAdapter> = {
  kind: 'adapter',
  name: 'darcy',
  description: 'Darcy2D: two-valued random permeability → pressure of −∇·(k∇u) = f (multigrid-preconditioned CG), cached, normalised with train-split statistics',
  params: darcyAdapterParams,
  create: (p) => new DarcyAdapter(p),
};
