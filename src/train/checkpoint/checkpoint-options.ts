import { z } from 'zod';

/**
 * The `train.checkpoint:` section (specs/checkpoints.md §1), Lightning's ModelCheckpoint options in snake_case.
 * Absent: the run writes no checkpoints. Present: `last` is kept current, and epoch-end checkpoints named
 * `epoch=E-step=S` are kept by `save_top_k` (best `monitor` values, or the newest without a monitor).
 */
export const checkpointSchema = z.strictObject({
  every_n_epochs: z.int().min(0).default(1).describe('write an epoch-end checkpoint every N epochs (0: none); it joins the top-k and updates last'),
  every_n_steps: z.int().min(0).default(0).describe('also update last every N optimizer steps, mid-epoch included (0: never); for resuming after a kill'),
  monitor: z.string().min(1).optional().describe('metric ranking the epoch-end checkpoints, e.g. validation/loss or train/loss:data; absent: newest first'),
  mode: z.enum(['min', 'max']).default('min'),
  save_top_k: z.int().min(-1).default(1).describe('epoch-end checkpoints kept: -1 all, 0 none, k the best k'),
  save_last: z.boolean().default(true).describe('keep a checkpoint named last, always the newest state'),
});
export type CheckpointOptions = z.output<typeof checkpointSchema>;
