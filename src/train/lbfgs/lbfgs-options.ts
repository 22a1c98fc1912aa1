import { z } from 'zod';
import { parseOptions } from '../options-error.ts';

/** torch.optim.LBFGS keyword arguments and defaults (1.13). */
export const lbfgsOptions = z
  .strictObject({
    name: z.literal('lbfgs').default('lbfgs'),
    lr: z.number().refine((v) => v > 0, { error: (iss) => `lr must be > 0, got ${String(iss.input)}` }).default(1),
    max_iter: z.number().int().positive().default(20),
    /** torch's default is max_iter * 5 // 4. */
    max_eval: z.number().int().positive().optional(),
    tolerance_grad: z.number().nonnegative().default(1e-7),
    tolerance_change: z.number().nonnegative().default(1e-9),
    history_size: z.number().int().positive().default(100),
    line_search_fn: z.enum(['strong_wolfe']).nullable().default(null),
  })
  .transform((o) => ({ ...o, max_eval: o.max_eval ?? Math.floor((o.max_iter * 5) / 4) }));

export type LbfgsOptions = z.output<typeof lbfgsOptions>;

export function parseLbfgsOptions(raw: unknown, section = 'optimizer "lbfgs"'): LbfgsOptions {
  return parseOptions(section, lbfgsOptions, raw, Object.keys(lbfgsOptions.in.shape));
}
