import { z } from 'zod';
import type { LossTermConfig } from './loss-kind.ts';
import { lossKinds } from './loss-kinds.ts';

/**
 * The schema of one `train.loss.<term>` section: `kind` picks the listed loss kind whose schema checks the rest,
 * so each kind keeps its own strict keys and defaults. `kind` defaults to `mse`, as before.
 */
export const lossTermSchema = z.looseObject({ kind: z.string().default('mse') }).transform((raw, ctx): LossTermConfig => {
  const kind = lossKinds.get(raw.kind);
  if (!kind) {
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `${lossKinds.unknownMessage(raw.kind)}. ${lossKinds.unknownHint(raw.kind)}` });
    return z.NEVER;
  }
  const parsed = kind.params.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message });
    return z.NEVER;
  }
  return parsed.data;
});
