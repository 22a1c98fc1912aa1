import { z } from 'zod';
import { DataContainer, type EpochBatches, type EpochOptions, type SplitName } from '../../../data/container.ts';
import { validate, type KeyContract } from '../../../data/contract.ts';
import { parseExpression } from '../../../physics/pinn/expression.ts';
import { SOLUTION_FUNCTIONS } from '../../../physics/pinn/numeric-algebra.ts';
import { COORDS_KEY, pinnDataset, pinnDomain } from '../../../physics/pinn/pinn-dataset.ts';
import type { LossContext } from '../../../train/losses/loss-kind.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { DataAdapter } from '../../../contracts/adapter.ts';

/**
 * Points for a PINN whose equation is written in config (specs/pinn.md): a box domain, point sets drawn in it
 * (interior, boundary faces, the initial face at the first t, a regular test grid), an optional exact solution
 * and the constants the equations name. The sets are mask columns of one table, as the elastic adapter's; the
 * domain itself goes to the loss (`lossContext`), where `residual` and `solution_error` terms resolve names.
 */
const where = 'adapter.params';

const interval = z.tuple([z.number(), z.number()]);
const expression = z.string().min(1).superRefine((text, ctx) => {
  try {
    parseExpression(text, 'solution', Object.keys(SOLUTION_FUNCTIONS));
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/^solution: /, '') });
  }
});
const constant = z.union([
  z.number(),
  z.strictObject({
    init: z.number().describe('the value (or a trained constant\'s starting guess)'),
    trainable: z.boolean().default(false).describe('train it with the network (an inverse problem); its estimate goes to results.json'),
    positive: z.boolean().default(false).describe('keep it > 0 by training its log'),
  }),
]);

export const pinnAdapterParams = z
  .object({
    domain: z.record(z.string(), interval).describe('a box: one [low, high] per coordinate, in the order of the model input\'s columns; the one named t is time'),
    points: z
      .strictObject({
        interior: z.int().min(0).default(1000).describe('points inside the box'),
        boundary: z.int().min(0).default(200).describe('points on the spatial faces (every coordinate but t)'),
        initial: z.int().min(0).optional().describe('points on the face at the first value of t (default: as many as boundary when there is a t, else 0)'),
        sampler: z.enum(['lhs', 'uniform']).default('lhs').describe('Latin hypercube or i.i.d. uniform'),
        seed: z.int().min(0).default(0).describe('seed of the point sets'),
        resample_every: z.int().min(0).default(0).describe('K > 0: draw new interior/boundary/initial points every K epochs (round floor(epoch / K)); 0: one fixed set'),
      })
      .prefault({}),
    test_grid: z.record(z.string(), z.int().min(1)).describe('points per coordinate of the regular test grid (the validation split)'),
    solution: z.record(z.string(), expression).default({}).describe('exact fields by output name, as expressions in the coordinates and constants (for validation)'),
    constants: z.record(z.string(), constant).default({}).describe('names the equations may use: a number, or {init, trainable, positive}'),
  })
  .strict();
export type PinnAdapterParams = z.infer<typeof pinnAdapterParams>;

class PinnAdapter implements DataAdapter {
  private readonly data: DataContainer;
  private readonly context: LossContext;
  /** The most recent resampled round's container: epochs of one round reuse it. */
  private drawn?: { round: number; data: DataContainer };

  constructor(private readonly p: PinnAdapterParams) {
    this.context = { domain: pinnDomain(p, where) };
    this.data = this.draw(0);
  }

  container(): DataContainer {
    return this.data;
  }

  lossContext(): LossContext {
    return this.context;
  }

  /** With resample_every K > 0, epoch e trains on round floor(e / K); the test grid never changes. */
  epochBatches(split: SplitName, options: EpochOptions): EpochBatches {
    const K = this.p.points.resample_every;
    const round = split === 'train' && K > 0 ? Math.floor(options.epoch / K) : 0;
    if (round === 0) return this.data.epoch(split, options);
    if (this.drawn?.round !== round) this.drawn = { round, data: this.draw(round) };
    return this.drawn.data.epoch(split, options);
  }

  private draw(round: number): DataContainer {
    const { raw, trainRows, testRows } = pinnDataset(this.p, where, round);
    const perPoint = (width: number): KeyContract => ({ dtype: 'float64', dims: ['batch', 'vector'], shape: ['n', width] });
    const keys = Object.fromEntries([...raw.arrays].map(([k, a]) => [k, perPoint(k === COORDS_KEY ? a.shape[1] : 1)]));
    return DataContainer.create(validate(raw, { keys }), 'batch', { validation: testRows / (trainRows + testRows), seed: this.p.points.seed, shuffle: false });
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p, resolved: { coordinates: this.context.domain!.coordinates, sets: this.context.domain!.sets, train_points: this.data.split.train.length, test_points: this.data.split.validation.length } };
  }
}

export const pinnAdapter: PluginDefinition<'adapter', PinnAdapterParams, PinnAdapter> = {
  kind: 'adapter',
  name: 'pinn',
  description: 'PINN points on a box domain (interior, boundary, initial, test grid) for equations written in config, with an optional exact solution',
  params: pinnAdapterParams,
  create: (p) => new PinnAdapter(p),
};
