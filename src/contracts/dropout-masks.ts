import { rngFor } from '../data/rng.ts';
import type { ValueInfo } from '../graph/ir.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../graph/tensor.ts';
import type { BatchFeed } from './backend.ts';

/**
 * The mask input of one training-mode Dropout: the model multiplies by it (`y = x · mask`). A training step is
 * fed a fresh mask whose elements are 0 (dropped, probability `ratio`) or 1/(1−ratio) (kept and rescaled, torch's
 * inverted dropout); a feed without it gets ones, which is Dropout in evaluation: the identity.
 */
export interface DropoutMask {
  /** The graph input's name (`<node>/mask`). */
  readonly name: string;
  readonly shape: Shape;
  readonly ratio: number;
}

/**
 * The masks of training step `step` (1-based, as Session.step counts), drawn in TypeScript from a stream keyed by
 * the seed, the mask's name and the step. Every backend and the torch reference are fed these same numbers, so
 * parity compares one function, and a run repeats exactly. Values are float64; feeds are cast to the program's dtype.
 */
export function drawDropoutMasks(masks: readonly DropoutMask[], seed: number, step: number): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const m of masks) {
    const rng = rngFor(seed, 'dropout', m.name, step);
    const keep = 1 / (1 - m.ratio);
    const data = new Float64Array(sizeOf(m.shape));
    for (let i = 0; i < data.length; i++) data[i] = rng.uniform() < m.ratio ? 0 : keep;
    out.set(m.name, tensor('float64', m.shape, data));
  }
  return out;
}

/** `feed` with the masks of training step `step` added (the feed itself when the model has no Dropout). */
export function withDropoutMasks(feed: BatchFeed, masks: readonly DropoutMask[], seed: number, step: number): BatchFeed {
  return masks.length ? new Map([...feed, ...drawDropoutMasks(masks, seed, step)]) : feed;
}

/** Ones in the shape and dtype `input` declares: the mask that makes a Dropout the identity (evaluation). */
export function evaluationMask(input: ValueInfo): Tensor {
  return tensor(input.dtype, input.shape, new Float64Array(sizeOf(input.shape)).fill(1));
}
