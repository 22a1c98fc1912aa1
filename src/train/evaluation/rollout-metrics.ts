import type { DataView } from '../../data/data-view.ts';
import { parseLayout } from '../../data/layout.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { BatchFeed } from '../../contracts/backend.ts';
import type { RolloutTermConfig } from '../losses/rollout/rollout-term.ts';
import { TIME_DIM } from '../losses/rollout/window-frames.ts';
import { constantFeeds, feedOf } from '../trainer.ts';
import { axisSlice, withAxisSlice } from './frames.ts';

/** Errors of the predicted state k steps after the initial one, over every test window and grid point. */
export interface StepErrors {
  readonly step: number;
  /** Root mean square error. */
  readonly l2: number;
  /** Mean absolute error. */
  readonly l1: number;
  /** Largest absolute error. */
  readonly linf: number;
  /** ‖pred − true‖₂ / ‖true‖₂ over all windows together. */
  readonly rel_l2: number;
}

export interface RolloutEvaluation {
  readonly split: 'validation' | 'train';
  readonly windows: number;
  /** Steps rolled out: every frame of a window after the first (may exceed the training horizon). */
  readonly horizon: number;
  readonly perStep: StepErrors[];
  /** The first window of the split: true and predicted frames (pred[0] is the given initial state). */
  readonly example: { readonly frameShape: number[]; readonly truth: Float64Array[]; readonly pred: Float64Array[] };
}

/**
 * Rolls the trained model out from the first frame of every test window to its last frame, feeding each
 * prediction back (as the rollout loss does), through the backend's forward pass: the forward graph reads only
 * frame 0 of the window (rollout/rollout-model.ts), so each step feeds the window with frame 0 replaced.
 * Without `batchSize` the split is one batch (in memory); with it the windows are read batch by batch (a data set
 * streamed from disk) and the errors are accumulated over batches, so both give the same numbers.
 */
export async function evaluateRollout(
  term: RolloutTermConfig,
  data: DataView,
  forward: (batch: BatchFeed) => Promise<Map<string, Tensor>>,
  batchSize?: number,
): Promise<RolloutEvaluation> {
  const split = data.split.validation.length > 0 ? 'validation' : 'train';
  const n = data.split[split].length;
  const constants = constantFeeds(data);
  const axis = 1 + parseLayout(term.window).filter((d) => d !== 'batch').indexOf(TIME_DIM);
  const sums: ErrorSums[] = [];
  let example: RolloutEvaluation['example'] | undefined;
  for (const batch of data.epoch(split, { batchSize: batchSize ?? n, seed: 0, epoch: 0, shuffle: false })) {
    const feed = feedOf(batch, constants);
    const window = feed.get(term.field);
    if (!window) throw new Error(`rollout evaluation: the data has no key "${term.field}" (train.loss rollout field)`);
    const frameShape = window.shape.filter((_, i) => i !== 0 && i !== axis);
    const perSample = frameShape.reduce((a, b) => a * b, 1);
    let state = axisSlice(window, axis, 0);
    const first = example ? undefined : { frameShape, truth: [state.slice(0, perSample)], pred: [state.slice(0, perSample)] };
    for (let k = 1; k < window.shape[axis]; k++) {
      const out = (await forward(new Map([...feed, [term.field, withAxisSlice(window, axis, 0, state)]]))).get(term.output);
      if (!out) throw new Error(`rollout evaluation: the forward pass did not return "${term.output}" (train.loss rollout output)`);
      state = Float64Array.from(out.data as ArrayLike<number>);
      const truth = axisSlice(window, axis, k);
      accumulate((sums[k - 1] ??= { sq: 0, abs: 0, max: 0, norm: 0, count: 0 }), state, truth);
      first?.truth.push(truth.slice(0, perSample));
      first?.pred.push(state.slice(0, perSample));
    }
    example ??= first;
  }
  if (!example) throw new Error(`rollout evaluation: the ${split} split has no windows`);
  const perStep = sums.map((e, i): StepErrors => ({ step: i + 1, l2: Math.sqrt(e.sq / e.count), l1: e.abs / e.count, linf: e.max, rel_l2: Math.sqrt(e.sq / e.norm) }));
  return { split, windows: n, horizon: sums.length, perStep, example };
}

/** Running sums of one step's errors over the batches seen so far. */
interface ErrorSums {
  sq: number;
  abs: number;
  max: number;
  norm: number;
  count: number;
}

function accumulate(into: ErrorSums, pred: Float64Array, truth: Float64Array): void {
  for (let i = 0; i < pred.length; i++) {
    const e = Math.abs(pred[i] - truth[i]);
    into.sq += e * e;
    into.abs += e;
    into.max = Math.max(into.max, e);
    into.norm += truth[i] * truth[i];
  }
  into.count += pred.length;
}
