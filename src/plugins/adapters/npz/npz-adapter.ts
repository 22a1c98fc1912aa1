import { z } from 'zod';
import { DataContainer } from '../../../data/container.ts';
import { KeyContractSchema, validate, type ValidatedData } from '../../../data/contract.ts';
import { readNpzFile } from '../../../data/npz.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { DataAdapter } from '../../../contracts/adapter.ts';

export const npzAdapterParams = z
  .object({
    path: z.string().min(1).describe('the .npz file, relative to the working directory'),
    keys: z
      .record(z.string(), KeyContractSchema)
      .refine((keys) => Object.keys(keys).length > 0, { message: 'declare at least one key' })
      .describe('the data contract: per key dtype, dims, shape (numbers, "*" or shared symbols), units, allowNonFinite, optional'),
    sampleDim: z.string().default('batch').describe('the dim that indexes samples; batches stack along it'),
    split: z
      .object({
        validation: z.number().min(0).lt(1).default(0.2).describe('fraction of samples held out for validation'),
        seed: z.number().int().default(0).describe('seed of the split (batch order uses the run seed)'),
        shuffle: z.boolean().default(true).describe('shuffle before splitting; false holds out the last samples'),
      })
      .strict()
      .prefault({}),
    windows: z
      .object({
        dim: z.string().default('time').describe('the dim to cut windows along'),
        size: z.number().int().positive().describe('frames per window (e.g. initial state + rollout steps)'),
        stride: z.number().int().positive().default(1).describe('frames between window starts'),
      })
      .strict()
      .optional()
      .describe('cut each sample (trajectory) into sliding windows; the split is drawn over trajectories'),
  })
  .strict();
export type NpzAdapterParams = z.infer<typeof npzAdapterParams>;

class NpzAdapter implements DataAdapter {
  private readonly data: DataContainer;
  private readonly validated: ValidatedData;

  constructor(private readonly p: NpzAdapterParams) {
    // Everything that can be wrong with the file is found here, at construction, before any training starts.
    this.validated = validate(readNpzFile(p.path), { keys: p.keys });
    this.data = DataContainer.create(this.validated, p.sampleDim, p.split, p.windows);
  }

  container(): DataContainer {
    return this.data;
  }

  /** The params as used, plus what the file resolved: symbol sizes, per-key shapes and the split sizes. */
  effectiveSettings(): Record<string, unknown> {
    const shapes = Object.fromEntries([...this.validated.arrays].map(([k, a]) => [k, [...a.shape]]));
    return {
      ...this.p,
      resolved: {
        sizes: { ...this.validated.sizes },
        shapes,
        samples: { total: this.data.sampleCount, train: this.data.split.train.length, validation: this.data.split.validation.length },
        windowsPerSample: this.data.windowsPerSample,
        ignoredKeys: [...this.validated.ignoredKeys],
      },
    };
  }
}

export const npzAdapter: PluginDefinition<'adapter', NpzAdapterParams, NpzAdapter> = {
  kind: 'adapter',
  name: 'npz',
  description: 'Loads arrays from an .npz file, validates them against a declared data contract, and splits them into train/validation',
  params: npzAdapterParams,
  create: (p) => new NpzAdapter(p),
};
