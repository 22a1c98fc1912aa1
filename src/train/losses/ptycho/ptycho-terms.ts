import { z } from 'zod';
import { fmtShape, sameShape } from '../../../graph/shape-utils.ts';
import { scopeInput, scopeOutput } from '../scope-keys.ts';
import type { LossKindDefinition } from '../loss-kind.ts';
import { poissonNll } from './poisson-nll.ts';

/**
 * `train.loss.<term>: {kind: poisson_nll, output: intensity, target: counts}`: the photon-counting likelihood of
 * measured counts under the model's predicted intensities, torch.nn.PoissonNLLLoss(log_input=False, full=False)
 * (specs/training.md §4). Upstream TF drops the same log(k!) constant; torch's PtychoPINN keeps it and divides by
 * the mean count, so loss VALUES differ between them while gradients agree up to that scale (docs/reference/seed-systems.md §5.3).
 */
export const poissonNllSchema = z.strictObject({
  kind: z.literal('poisson_nll'),
  output: z.string().min(1).describe('the model output holding predicted intensities (expected counts), ≥ 0'),
  target: z.string().min(1).describe('the data key holding the measured counts'),
  eps: z.number().positive().default(1e-8).describe('added to the rate inside the log'),
  weight: z.number().nonnegative().default(1),
});
export type PoissonNllConfig = z.infer<typeof poissonNllSchema>;

export const poissonNllTerm: LossKindDefinition<PoissonNllConfig> = {
  name: 'poisson_nll',
  description: 'Poisson negative log-likelihood mean(rate − counts·log(rate + eps)) of measured counts (torch PoissonNLLLoss)',
  params: poissonNllSchema,
  build(scope, t, where) {
    const rate = scopeOutput(scope, t.output, `${where}.output`);
    const counts = scopeInput(scope, t.target, `${where}.target`);
    if (!sameShape(rate.shape, counts.shape)) {
      throw new Error(`${where}: output "${t.output}" has shape ${fmtShape(rate.shape)} but target "${t.target}" has ${fmtShape(counts.shape)}; they must match`);
    }
    return poissonNll(scope.g, rate, counts, t.eps);
  },
};
