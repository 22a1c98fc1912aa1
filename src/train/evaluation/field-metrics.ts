import type { DataContainer } from '../../data/container.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { BatchFeed } from '../../contracts/backend.ts';
import type { DataTermConfig } from '../losses/data/data-terms.ts';
import { constantFeeds, feedOf } from '../trainer.ts';

/** Mean and std a field was normalised with: value = normalised·std + mean. */
export interface FieldScale {
  readonly mean: number;
  readonly std: number;
}

export interface FieldEvaluation {
  readonly split: 'validation' | 'train';
  readonly samples: number;
  /** Mean over samples of ‖pred − true‖₂ / ‖true‖₂, in physical units (de-normalised when scales are known). */
  readonly rel_l2: number;
  /** Mean square error in the same units. */
  readonly mse: number;
  /** Whether the scales of the training statistics were applied before measuring. */
  readonly denormalized: boolean;
  /** The first sample of the split, per-sample shape and values in physical units. */
  readonly example: { readonly shape: number[]; readonly input: Float64Array; readonly truth: Float64Array; readonly pred: Float64Array };
}

/**
 * The trained field model (e.g. an FNO for Darcy) on the whole test split, in physical units: the data term's
 * output against its target, de-normalised with the training statistics the adapter reported, so the number
 * does not depend on the normalisation chosen.
 */
export async function evaluateField(
  term: DataTermConfig,
  inputKey: string,
  data: DataContainer,
  forward: (batch: BatchFeed) => Promise<Map<string, Tensor>>,
  scales: Readonly<Record<string, FieldScale>> = {},
): Promise<FieldEvaluation> {
  const split = data.split.validation.length > 0 ? 'validation' : 'train';
  const n = data.split[split].length;
  const feed = feedOf(data.epoch(split, { batchSize: n, seed: 0, epoch: 0, shuffle: false }).at(0), constantFeeds(data));
  const [input, target] = [feed.get(inputKey), feed.get(term.target)];
  if (!input || !target) throw new Error(`field evaluation: the data has no key "${input ? term.target : inputKey}"`);
  const out = (await forward(feed)).get(term.output);
  if (!out) throw new Error(`field evaluation: the forward pass did not return "${term.output}" (train.loss output)`);
  const physical = (t: Tensor, key: string) => {
    const s = scales[key] ?? { mean: 0, std: 1 };
    return Float64Array.from(t.data as ArrayLike<number>, (v) => v * s.std + s.mean);
  };
  const [x, y, p] = [physical(input, inputKey), physical(target, term.target), physical(out, term.target)];
  const per = y.length / n;
  let rel = 0;
  let sq = 0;
  for (let s = 0; s < n; s++) {
    let e2 = 0;
    let t2 = 0;
    for (let i = s * per; i < (s + 1) * per; i++) {
      e2 += (p[i] - y[i]) ** 2;
      t2 += y[i] ** 2;
    }
    rel += Math.sqrt(e2 / t2);
    sq += e2;
  }
  const perInput = x.length / n;
  return {
    split,
    samples: n,
    rel_l2: rel / n,
    mse: sq / y.length,
    denormalized: term.target in scales,
    example: { shape: target.shape.slice(1), input: x.slice(0, perInput), truth: y.slice(0, per), pred: p.slice(0, per) },
  };
}
