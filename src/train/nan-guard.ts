import { findNonFinite } from '../data/non-finite.ts';
import { fromGraphTensor } from '../data/named-tensor.ts';
import type { BatchFeed, StepResult } from '../contracts/backend.ts';

/** Where a step happened, for messages. */
export interface StepPlace {
  readonly step: number;
  readonly epoch: number;
  readonly batch: number;
}

/**
 * Training produced NaN or ±Inf. The message names the first bad term, the step, and, when the batch itself held
 * non-finite values, the data key and sample; training stops here rather than carrying NaN parameters forward.
 */
export class NonFiniteLossError extends Error {
  constructor(
    readonly place: StepPlace,
    readonly term: string,
    readonly value: number,
    readonly hint: string,
  ) {
    super(
      `training stopped at step ${place.step} (epoch ${place.epoch}, batch ${place.batch}): ${term === 'loss' ? 'the total loss' : `loss term "${term}"`} is ${value}. ${hint}`,
    );
    this.name = 'NonFiniteLossError';
  }
}

/** Throws NonFiniteLossError when the step's loss or a term is not finite. */
export function guardFinite(result: StepResult, place: StepPlace, batch: BatchFeed): void {
  if (Number.isFinite(result.loss) && Object.values(result.terms).every(Number.isFinite)) return;
  const bad = Object.entries(result.terms).find(([, v]) => !Number.isFinite(v)) ?? ['loss', result.loss];
  throw new NonFiniteLossError(place, bad[0], bad[1], diagnose(batch));
}

function diagnose(batch: BatchFeed): string {
  for (const [key, t] of batch) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') continue;
    const hit = findNonFinite(fromGraphTensor(t, t.shape.map((_, i) => (i === 0 ? 'batch' : `axis${i}`))));
    if (hit) {
      return `The batch itself holds ${hit.count} non-finite value(s): data key "${key}" is ${hit.value} at index [${hit.index.join(', ')}]. Clean the data, or let the data contract reject it (allowNonFinite: false).`;
    }
  }
  return 'The batch data is finite, so training diverged: lower train.optimizer.lr, add train.clip_grad_norm, or check the loss for log/sqrt/division of non-positive values.';
}
