/**
 * The y axis of a loss plot, chosen from the values drawn:
 * - all positive and spanning more than a decade: a log axis;
 * - all positive within a decade: a linear axis fitted to the data (not from 0, which flattens the curve);
 * - anything ≤ 0 (a Poisson NLL without its constant is negative): the distance above the smallest value,
 *   `loss − min`, on a symlog axis (linear near 0, logarithmic beyond), and the axis title says so.
 */
export interface LossAxis {
  /** What is plotted for a loss value. */
  readonly map: (loss: number) => number;
  readonly title: string;
  readonly scale: Record<string, unknown>;
  /** d3 format of the tick labels: enough digits that neighbouring ticks differ. */
  readonly format: string;
  /** One sentence for the caption. */
  readonly note: string;
}

const DECADE = 10;

export function lossAxis(values: readonly number[], name = 'loss'): LossAxis {
  const finite = values.filter(Number.isFinite);
  const [lo, hi] = [Math.min(...finite), Math.max(...finite)];
  if (finite.length === 0) return { map: (v) => v, title: name, scale: {}, format: '.2~e', note: '' };
  if (lo > 0 && hi / lo > DECADE) return { map: (v) => v, title: `${name} (log scale)`, scale: { type: 'log' }, format: '.0e', note: ' Log scale.' };
  if (lo > 0) return { map: (v) => v, title: name, scale: { zero: false }, format: '.4~g', note: '' };
  const span = hi - lo;
  // The linear band of the symlog scale: a thousandth of the range, so three decades below the top are resolved.
  const constant = span > 0 ? span / 1000 : 1;
  return {
    map: (v) => v - lo,
    title: `${name} − min(${name}), symlog`,
    scale: { type: 'symlog', constant },
    format: '.2~e',
    note: ` The loss reaches ${lo.toExponential(3)} (≤ 0, so no log axis): drawn is the distance above that minimum, loss − min, on a symlog axis (linear below ${constant.toExponential(1)}, logarithmic above).`,
  };
}
