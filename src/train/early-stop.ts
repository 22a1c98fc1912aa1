import { z } from 'zod';
import type { EpochRecord } from './history.ts';

/**
 * When to stop before `epochs`: a plateau (no improvement larger than min_delta for `patience` epochs, Keras'
 * EarlyStopping semantics) or convergence (the monitored loss reached `target`). Monitors the validation loss
 * when there is a validation split, the mean train loss otherwise.
 */
export const earlyStopSchema = z.strictObject({
  patience: z.int().min(1).describe('epochs without improvement before stopping'),
  min_delta: z.number().min(0).default(0).describe('an improvement smaller than this does not count'),
  target: z.number().positive().optional().describe('stop as soon as the monitored loss is at or below this (converged)'),
});
export type EarlyStopOptions = z.infer<typeof earlyStopSchema>;

export type StopReason =
  | { readonly kind: 'epochs'; readonly detail: string }
  | { readonly kind: 'plateau'; readonly detail: string }
  | { readonly kind: 'converged'; readonly detail: string };

/** The stopper's memory for a checkpoint; `best` is null while nothing was seen (JSON has no Infinity). */
export interface EarlyStopState {
  readonly best: number | null;
  readonly bestEpoch: number;
}

export class EarlyStopping {
  private best = Infinity;
  private bestEpoch = -1;

  constructor(private readonly options: EarlyStopOptions | undefined) {}

  state(): EarlyStopState {
    return { best: Number.isFinite(this.best) ? this.best : null, bestEpoch: this.bestEpoch };
  }

  restore(state: EarlyStopState): void {
    this.best = state.best ?? Infinity;
    this.bestEpoch = state.bestEpoch;
  }

  /** Called after each epoch; a StopReason means stop now. */
  update(record: EpochRecord): StopReason | undefined {
    if (!this.options) return undefined;
    const [which, value] = record.validation ? ['validation loss', record.validation.loss] : ['train loss', record.train.loss];
    const { patience, min_delta, target } = this.options;
    if (target !== undefined && value <= target) {
      return { kind: 'converged', detail: `${which} ${value.toExponential(3)} reached target ${target} at epoch ${record.epoch}` };
    }
    if (value < this.best - min_delta) {
      this.best = value;
      this.bestEpoch = record.epoch;
    } else if (record.epoch - this.bestEpoch >= patience) {
      return {
        kind: 'plateau',
        detail: `${which} has not improved by more than ${min_delta} for ${patience} epoch(s); best ${this.best.toExponential(3)} at epoch ${this.bestEpoch}`,
      };
    }
    return undefined;
  }
}
