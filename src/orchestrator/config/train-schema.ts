import { z } from 'zod';
import { checkpointSchema } from '../../train/checkpoint/checkpoint-options.ts';
import { earlyStopSchema } from '../../train/early-stop.ts';
import { lbfgsPhaseSchema } from '../../train/lbfgs-phase.ts';
import { lossTermSchema } from '../../train/losses/term-schema.ts';
import { clipGradNormOptions, optimizerSection } from '../../train/optimizers/optimizer-options.ts';
import { parseScheduleOptions } from '../../train/schedules/schedule-options.ts';

/**
 * The `train:` section. Each subsection's schema is owned by the code that reads it (the optimizer, the loss
 * terms, schedules, early stopping, L-BFGS, checkpoints); this file only assembles them. Strict objects: an
 * unknown key is an error, never ignored.
 */

/** An LR schedule section, checked by the schedule parser itself so its messages (valid keys, ranges) come through. */
const scheduleSchema = z.record(z.string(), z.unknown()).superRefine((raw, ctx) => {
  try {
    parseScheduleOptions(raw, 'train.schedule');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

export const trainSchema = z.strictObject({
  epochs: z.int().min(1),
  batch_size: z.int().min(1),
  optimizer: optimizerSection,
  /** Named loss terms (any kind of the loss-kind list, src/train/losses/loss-kinds.ts); the total loss is Σ weight·term (specs/results.md). */
  // Optional here (a config whose stages are not built yet has nothing to train); a run or parity that trains
  // requires it before its run directory exists (requireLoss in handshake.ts). Never empty.
  loss: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a loss term name is an identifier (it names the loss:<term> output)'), lossTermSchema)
    .refine((terms) => Object.keys(terms).length > 0, 'train.loss names no loss term; name at least one, e.g. data: {kind: mse, output: y_hat, target: y}')
    .optional(),
  schedule: scheduleSchema.optional(),
  schedule_interval: z.enum(['epoch', 'step']).default('epoch'),
  clip_grad_norm: clipGradNormOptions.optional(),
  early_stop: earlyStopSchema.optional(),
  /** Optional full-batch L-BFGS refinement after the epochs: {steps, ...torch LBFGS options} (src/train/lbfgs-phase.ts). */
  lbfgs: lbfgsPhaseSchema.optional(),
  /** Checkpoints: `last` and top-k epoch-end ones in <run dir>/checkpoints (specs/checkpoints.md §1); absent: none. */
  checkpoint: checkpointSchema.optional(),
});
