import type { DataContainer } from '../../data/container.ts';
import { parseLayout } from '../../data/layout.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { BatchFeed } from '../../plugins/backends/backend.ts';
import type { RolloutTermConfig } from '../rollout/rollout-term.ts';
import { TIME_DIM } from '../rollout/window-frames.ts';
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
 */
export async function evaluateRollout(term: RolloutTermConfig, data: DataContainer, forward: (batch: BatchFeed) => Promise<Map<string, Tensor>>): Promise<RolloutEvaluation> {
  const split = data.split.validation.length > 0 ? 'validation' : 'train';
  const n = data.split[split].length;
  const feed = feedOf(data.epoch(split, { batchSize: n, seed: 0, epoch: 0, shuffle: false }).at(0), constantFeeds(data));
  const window = feed.get(term.field);
  if (!window) throw new Error(`rollout evaluation: the data has no key "${term.field}" (train.loss rollout field)`);
  const axis = 1 + parseLayout(term.window).filter((d) => d !== 'batch').indexOf(TIME_DIM);
  const frames = window.shape[axis];
  const frameShape = window.shape.filter((_, i) => i !== 0 && i !== axis);
  const perSample = frameShape.reduce((a, b) => a * b, 1);
  let state = axisSlice(window, axis, 0);
  const example = { frameShape, truth: [state.slice(0, perSample)], pred: [state.slice(0, perSample)] };
  const perStep: StepErrors[] = [];
  for (let k = 1; k < frames; k++) {
    const out = (await forward(new Map([...feed, [term.field, withAxisSlice(window, axis, 0, state)]]))).get(term.output);
    if (!out) throw new Error(`rollout evaluation: the forward pass did not return "${term.output}" (train.loss rollout output)`);
    state = Float64Array.from(out.data as ArrayLike<number>);
    const truth = axisSlice(window, axis, k);
    perStep.push({ step: k, ...errors(state, truth) });
    example.truth.push(truth.slice(0, perSample));
    example.pred.push(state.slice(0, perSample));
  }
  return { split, windows: n, horizon: frames - 1, perStep, example };
}

function errors(pred: Float64Array, truth: Float64Array): Omit<StepErrors, 'step'> {
  let sq = 0;
  let abs = 0;
  let max = 0;
  let norm = 0;
  for (let i = 0; i < pred.length; i++) {
    const e = Math.abs(pred[i] - truth[i]);
    sq += e * e;
    abs += e;
    max = Math.max(max, e);
    norm += truth[i] * truth[i];
  }
  return { l2: Math.sqrt(sq / pred.length), l1: abs / pred.length, linf: max, rel_l2: Math.sqrt(sq / norm) };
}
