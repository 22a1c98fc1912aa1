import type { EpochRecord } from '../../train/history.ts';
import type { StepErrors } from '../../train/evaluation/rollout-metrics.ts';
import type { PlotSpec } from '../plots/parity-plots.ts';

/**
 * The plots of one training run's report (loss curve, rollout errors per step, example fields beside the truth),
 * as vega-lite specs with inline data; rendered to SVG by write-run-report.ts through the shared vega helper.
 */
const WIDTH = 460;
const HEIGHT = 220;
const PANEL = 190;
const SERIES_COLORS = ['#4c78a8', '#f58518', '#e45756', '#54a24b'];

export function lossCurve(id: string, history: readonly EpochRecord[]): PlotSpec {
  const rows = history.flatMap((r) => [
    { epoch: r.epoch + 1, loss: r.train.loss, split: 'train (mean over the epoch)' },
    ...(r.validation ? [{ epoch: r.epoch + 1, loss: r.validation.loss, split: 'validation (after the epoch)' }] : []),
  ]);
  const log = rows.every((r) => r.loss > 0);
  return {
    id: `${id}-loss`,
    title: `${id}: training loss`,
    caption: `Total loss per epoch: the mean of the per-step train losses, and the loss on the whole validation split after the epoch.${log ? ' Log scale.' : ''}`,
    spec: {
      width: WIDTH,
      height: HEIGHT,
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
        y: { field: 'loss', type: 'quantitative', scale: log ? { type: 'log' } : {}, axis: { format: '.1e' } },
        color: { field: 'split', type: 'nominal', scale: { range: SERIES_COLORS } },
      },
    },
  };
}

/**
 * Every loss term per epoch, unweighted: the train mean of each term that trains (weight > 0 or not, as the
 * history has it) and each term's value on the validation split, where the split has one that is not 0
 * (a PINN's test-grid error). Log scale; terms that are 0 throughout are left out.
 */
export function termCurves(id: string, history: readonly EpochRecord[]): PlotSpec {
  const rows = history.flatMap((r) => [
    ...Object.entries(r.train.terms).map(([term, value]) => ({ epoch: r.epoch + 1, value, term: `${term} (train)` })),
    ...Object.entries(r.validation?.terms ?? {}).map(([term, value]) => ({ epoch: r.epoch + 1, value, term: `${term} (validation)` })),
  ]);
  // A masked relative-L2 term over a split without its rows sits at its 1e-15 floor (loss-terms/masked.ts): not data.
  const shown = new Set(rows.filter((r) => r.value > 1e-12).map((r) => r.term));
  return {
    id: `${id}-terms`,
    title: `${id}: loss terms`,
    caption: 'Each loss term per epoch, unweighted: the mean over the epoch\'s train steps, and the value on the validation split after the epoch (terms that stay at 0 are left out). Log scale.',
    spec: {
      width: WIDTH,
      height: HEIGHT,
      data: { values: rows.filter((r) => shown.has(r.term) && r.value > 0) },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
        y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, axis: { format: '.1e' } },
        color: { field: 'term', type: 'nominal' },
      },
    },
  };
}

export function rolloutErrors(id: string, perStep: readonly StepErrors[], trainHorizon: number): PlotSpec {
  const names: Record<'l2' | 'l1' | 'linf', string> = { l2: 'L2 (RMS)', l1: 'L1 (mean |e|)', linf: 'L∞ (max |e|)' };
  const rows = perStep.flatMap((s) => (['l2', 'l1', 'linf'] as const).map((k) => ({ step: s.step, error: s[k], norm: names[k] })));
  return {
    id: `${id}-rollout-errors`,
    title: `${id}: test rollout error per step`,
    caption: `The model fed its own predictions from the first frame of every test window; the error of the state k steps later over every window and grid point. Trained on ${trainHorizon} step(s) (dashed line). Log scale.`,
    spec: {
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: rows },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'step', type: 'quantitative', axis: { tickMinStep: 1 } },
            y: { field: 'error', type: 'quantitative', scale: { type: 'log' }, axis: { format: '.1e' } },
            color: { field: 'norm', type: 'nominal', scale: { range: SERIES_COLORS } },
          },
        },
        { data: { values: [{ step: trainHorizon }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { x: { field: 'step', type: 'quantitative' } } },
      ],
    },
  };
}

/** Fields along one coordinate, as lines (a 1D PINN's prediction beside its exact solution). */
export function profiles(id: string, title: string, caption: string, axis: string, at: ArrayLike<number>, series: Readonly<Record<string, ArrayLike<number>>>): PlotSpec {
  const rows = Object.entries(series).flatMap(([name, v]) => Array.from(at, (c, i) => ({ c, v: Number(v[i]), series: name })));
  return {
    id,
    title,
    caption,
    spec: {
      width: WIDTH,
      height: HEIGHT,
      data: { values: rows },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'c', type: 'quantitative', title: axis },
        y: { field: 'v', type: 'quantitative', title: null },
        color: { field: 'series', type: 'nominal', scale: { range: SERIES_COLORS } },
        strokeDash: { field: 'series', type: 'nominal' },
      },
    },
  };
}

/** One field on a grid: `values[row * cols + col]`, drawn with rows up the page. */
export interface HeatmapPanel {
  readonly title: string;
  readonly rows: number;
  readonly cols: number;
  readonly values: ArrayLike<number>;
  /** Signed errors get a diverging scale centred on 0. */
  readonly diverging?: boolean;
  /** A fixed colour range, so panels that show the same quantity (prediction, truth) share one scale. */
  readonly domain?: readonly [number, number];
}

/** Fields side by side, each with its own colour scale unless given a `domain` (pred | true | error, or k | u_true | u_pred | error). */
export function heatmaps(id: string, title: string, caption: string, axes: { x: string; y: string }, panels: readonly HeatmapPanel[]): PlotSpec {
  return {
    id,
    title,
    caption,
    spec: {
      hconcat: panels.map((p) => ({
        title: p.title,
        width: PANEL,
        height: PANEL,
        data: { values: cells(p) },
        mark: { type: 'rect', aria: false },
        encoding: {
          x: { field: 'c', type: 'ordinal', title: axes.x, axis: { labels: false, ticks: false } },
          y: { field: 'r', type: 'ordinal', title: axes.y, sort: 'descending', axis: { labels: false, ticks: false } },
          color: {
            field: 'v',
            type: 'quantitative',
            title: null,
            scale: p.diverging ? { scheme: 'redblue', reverse: true, domainMid: 0 } : { scheme: 'viridis', ...(p.domain ? { domain: [...p.domain] } : {}) },
            legend: { format: '.2~e', gradientLength: PANEL - 20 },
          },
        },
      })),
      resolve: { scale: { color: 'independent' } },
    },
  };
}

function cells(p: HeatmapPanel): { r: number; c: number; v: number }[] {
  const out: { r: number; c: number; v: number }[] = [];
  for (let r = 0; r < p.rows; r++) for (let c = 0; c < p.cols; c++) out.push({ r, c, v: Number(p.values[r * p.cols + c]) });
  return out;
}
