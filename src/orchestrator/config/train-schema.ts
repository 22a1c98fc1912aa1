import { z } from 'zod';

/**
 * The `train:` section. Kept minimal for now; the training engine extends it HERE (and only here), e.g. with
 * schedules, early stopping or checkpoint cadence. Strict objects: an unknown key is an error, never ignored.
 */
export const OPTIMIZER_NAMES = ['sgd', 'adam', 'adamw'] as const;

export const optimizerSchema = z.strictObject({
  name: z.enum(OPTIMIZER_NAMES),
  lr: z.number().positive(),
  momentum: z.number().min(0).optional(),
  weight_decay: z.number().min(0).optional(),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).optional(),
  eps: z.number().positive().optional(),
});

export const trainSchema = z.strictObject({
  epochs: z.int().min(1),
  batch_size: z.int().min(1),
  optimizer: optimizerSchema,
});
