import { z } from 'zod';
import { DATA_LOSS_KINDS, dataTermSchema, type LossTermConfig } from './data/data-loss.ts';
import { findLossTermKind, registeredLossTermKinds } from './registry.ts';

/**
 * The schema of one `train.loss.<term>` section: `kind` picks the schema the rest is checked with (a data kind's,
 * or a registered physics kind's), so each kind keeps its own strict keys and defaults. Looked up when the
 * config is parsed, after the plugin list has registered its kinds. `kind` defaults to `mse`, as before.
 */
export const lossTermSchema = z.looseObject({ kind: z.string().default('mse') }).transform((raw, ctx): LossTermConfig => {
  const schema = (DATA_LOSS_KINDS as readonly string[]).includes(raw.kind) ? dataTermSchema : findLossTermKind(raw.kind)?.schema;
  if (!schema) {
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `"${raw.kind}" is not a loss-term kind; the kinds are: ${[...DATA_LOSS_KINDS, ...registeredLossTermKinds()].join(', ')}` });
    return z.NEVER;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message });
    return z.NEVER;
  }
  return parsed.data as LossTermConfig;
});
