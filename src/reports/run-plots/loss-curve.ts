import type { EpochRecord } from '../../train/history.ts';
import type { PlotSpec } from '../../contracts/plot-spec.ts';
import { lossAxis } from './loss-axis.ts';
import { FITTING_LEGEND, SERIES_COLORS } from './plot-style.ts';

/** One point of a full-batch refinement after the epochs: the loss after `step` L-BFGS steps (0 = before the first). */
export interface RefinementPoint {
  readonly step: number;
  readonly loss: number;
}

export interface LossCurveOptions {
  /** The L-BFGS phase (train.lbfgs), drawn after the last epoch, one x unit per L-BFGS step. */
  readonly lbfgs?: readonly RefinementPoint[];
  /**
   * Loss terms of weight 0 that only measure (elastic's `test`: the relative L2 error on the test grid): their
   * validation values are drawn as series of their own, since they are left out of the validation total.
   */
  readonly monitors?: readonly string[];
}

const WIDTH = 460;
const HEIGHT = 220;

/**
 * Total loss per epoch, train and validation, then any L-BFGS phase. A validation total that is 0 at every epoch
 * (every term of weight > 0 is masked out on that split) is not drawn: its monitor terms are, by name.
 */
export function lossCurve(id: string, history: readonly EpochRecord[], options: LossCurveOptions = {}): PlotSpec {
  const epochs = history.length;
  const series = {
    train: 'train (mean over the epoch)',
    validation: 'validation (after the epoch)',
    lbfgs: 'train, L-BFGS (full batch, per step)',
    monitor: (term: string) => `validation ${term} (weight 0: measured, not trained)`,
  };
  const rows: { x: number; loss: number; series: string }[] = history.map((r) => ({ x: r.epoch + 1, loss: r.train.loss, series: series.train }));
  const drawValidation = history.some((r) => r.validation && r.validation.loss !== 0);
  for (const r of history) {
    if (!r.validation) continue;
    if (drawValidation) rows.push({ x: r.epoch + 1, loss: r.validation.loss, series: series.validation });
    for (const term of options.monitors ?? []) if (term in r.validation.terms) rows.push({ x: r.epoch + 1, loss: r.validation.terms[term], series: series.monitor(term) });
  }
  const lbfgs = options.lbfgs ?? [];
  for (const p of lbfgs) rows.push({ x: epochs + p.step, loss: p.loss, series: series.lbfgs });
  const axis = lossAxis(rows.map((r) => r.loss));
  const values = rows.map((r) => ({ ...r, y: axis.map(r.loss) }));
  const line = {
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: lbfgs.length ? 'epoch, then L-BFGS step (after the dashed line)' : 'epoch', scale: { zero: false, nice: false }, axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'y', type: 'quantitative', title: axis.title, scale: axis.scale, axis: { format: axis.format } },
      color: { field: 'series', type: 'nominal', title: null, scale: { range: SERIES_COLORS }, legend: FITTING_LEGEND },
      tooltip: [{ field: 'series' }, { field: 'x' }, { field: 'loss', format: '.4e' }],
    },
  };
  const start = { data: { values: [{ x: epochs }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { x: { field: 'x', type: 'quantitative' } } };
  const skipped = history.some((r) => r.validation) && !drawValidation ? ' The validation total is 0 at every epoch (its terms of weight > 0 are masked out on that split), so it is not drawn.' : '';
  const refined = lbfgs.length ? ` After epoch ${epochs} (dashed line), the L-BFGS phase: the full-batch train loss after each of its ${lbfgs.length - 1} step(s).` : '';
  return {
    id: `${id}-loss`,
    title: `${id}: training loss`,
    caption: `Total loss per epoch: the mean of the per-step train losses, and the loss on the whole validation split after the epoch.${refined}${skipped}${axis.note}`,
    spec: { width: WIDTH, height: HEIGHT, ...(lbfgs.length ? { layer: [line, start] } : line) } as PlotSpec['spec'],
  };
}
