import { z } from 'zod';
import { parseOptions } from '../options-error.ts';

/*
 * Option schemas of the graph optimizers. Keys and defaults are torch's keyword arguments, so the PyTorch
 * reference passes them through unchanged. Unlike torch, lr must be strictly positive: an lr of 0 trains
 * nothing and is always a config mistake.
 */

// z.number() already refuses Infinity and NaN. Plain `positive()`: the config handshake and parseOptimizerOptions
// each word the too_small issue for their reader (validate.ts, options-error.ts).
const lr = z.number().positive();
const nonNegative = (key: string) => z.number().min(0, { error: (iss) => `${key} must be >= 0, got ${String(iss.input)}` });
const beta = z.number().min(0).lt(1, { error: 'each beta must be in [0, 1)' });

export const sgdOptions = z
  .strictObject({
    name: z.literal('sgd'),
    lr,
    momentum: nonNegative('momentum').default(0),
    dampening: z.number().default(0),
    weight_decay: nonNegative('weight_decay').default(0),
    nesterov: z.boolean().default(false),
    maximize: z.boolean().default(false),
  })
  .refine((o) => !o.nesterov || (o.momentum > 0 && o.dampening === 0), { error: 'nesterov momentum requires momentum > 0 and dampening = 0' });

const adamShape = {
  lr: lr.default(1e-3),
  betas: z.tuple([beta, beta]).default([0.9, 0.999]),
  eps: nonNegative('eps').default(1e-8),
  amsgrad: z.boolean().default(false),
  maximize: z.boolean().default(false),
};
export const adamOptions = z.strictObject({ name: z.literal('adam'), ...adamShape, weight_decay: nonNegative('weight_decay').default(0) });
export const adamwOptions = z.strictObject({ name: z.literal('adamw'), ...adamShape, weight_decay: nonNegative('weight_decay').default(1e-2) });

export const OPTIMIZER_SCHEMAS = { sgd: sgdOptions, adam: adamOptions, adamw: adamwOptions } as const;
const OPTIMIZER_KEYS: Record<OptimizerName, readonly string[]> = {
  sgd: Object.keys(sgdOptions.shape),
  adam: Object.keys(adamOptions.shape),
  adamw: Object.keys(adamwOptions.shape),
};

export type OptimizerName = keyof typeof OPTIMIZER_SCHEMAS;
export type SgdOptions = z.output<typeof sgdOptions>;
export type AdamOptions = z.output<typeof adamOptions> | z.output<typeof adamwOptions>;
export type OptimizerOptions = SgdOptions | AdamOptions;

export const OPTIMIZER_NAMES = Object.keys(OPTIMIZER_SCHEMAS) as OptimizerName[];

/** `schema` with every defaulted key optional instead: what a config may write, before the defaults apply. */
function withoutDefaults(shape: Record<string, z.ZodType>): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(shape).map(([k, t]) => [k, t instanceof z.ZodDefault ? (t.unwrap() as z.ZodType).optional() : t]));
}

/**
 * The `train.optimizer` config section, owned here (the config schema delegates to it, as it does for schedules):
 * every optimizer's keys, as written (defaults are applied when the program is built, so the resolved config and
 * its hash hold what the user wrote), then the chosen optimizer's own schema — its keys, ranges and cross-key
 * rules. Issues keep their key paths, so the handshake names the file, line and key.
 */
export const optimizerSection = z
  .strictObject({
    ...withoutDefaults({ ...sgdOptions.shape, ...adamOptions.shape }),
    name: z.enum(OPTIMIZER_NAMES as [OptimizerName, ...OptimizerName[]]),
  })
  .superRefine((raw, ctx) => {
    const name = raw.name as OptimizerName;
    const result = OPTIMIZER_SCHEMAS[name].safeParse(raw);
    if (result.success) return;
    for (const issue of result.error.issues) {
      if (issue.code !== 'unrecognized_keys') ctx.addIssue({ ...issue } as z.core.$ZodRawIssue);
      else for (const key of issue.keys) ctx.addIssue({ code: 'custom', path: [key], message: `'${key}' is not an option of optimizer ${name}; its options are ${OPTIMIZER_KEYS[name].join(', ')}` });
    }
  });

/** Validates an optimizer section (`{ name: 'adam', lr: 1e-3 }`); errors name the bad key and the valid ones. */
export function parseOptimizerOptions(raw: unknown, section = 'optimizer'): OptimizerOptions {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  if (typeof name !== 'string' || !(name in OPTIMIZER_SCHEMAS)) {
    throw new Error(`${section}: unknown optimizer ${JSON.stringify(name)}; "name" must be one of ${Object.keys(OPTIMIZER_SCHEMAS).join(', ')}`);
  }
  const key = name as OptimizerName;
  return parseOptions(`${section} "${name}"`, OPTIMIZER_SCHEMAS[key], raw, OPTIMIZER_KEYS[key]);
}

/** torch.nn.utils.clip_grad_norm_ settings (2-norm only). */
export const clipGradNormOptions = z.strictObject({
  max_norm: z.number().refine((v) => v > 0, { error: (iss) => `max_norm must be > 0, got ${String(iss.input)}` }),
});
export type ClipGradNormOptions = z.output<typeof clipGradNormOptions>;

export function parseClipGradNormOptions(raw: unknown, section = 'clip_grad_norm'): ClipGradNormOptions {
  return parseOptions(section, clipGradNormOptions, raw, Object.keys(clipGradNormOptions.shape));
}
