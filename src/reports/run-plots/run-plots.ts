import type { EpochRecord } from '../../train/history.ts';
import type { StepErrors } from '../../train/evaluation/rollout-metrics.ts';
import type { PlotSpec } from '../../contracts/plot-spec.ts';
import { FITTING_LEGEND, SERIES_COLORS } from './plot-style.ts';

/**
 * The plots of one training run's report besides the loss curve (loss-curve.ts): rollout errors per step, and
 * fields beside the truth, as vega-lite specs with inline data; rendered to SVG by write-run-report.ts.
 */
const WIDTH = 460;
const HEIGHT = 220;
const PANEL = 190;

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
  // A masked relative-L2 term over a split without its rows sits at its 1e-15 floor (train/losses/data/masked.ts): not data.
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
        color: { field: 'term', type: 'nominal', title: null, legend: FITTING_LEGEND },
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
            y: { field: 'error', type: 'quantitative', title: 'error (log scale)', scale: { type: 'log' }, axis: { format: '.1e' } },
            color: { field: 'norm', type: 'nominal', title: null, scale: { range: SERIES_COLORS }, legend: FITTING_LEGEND },
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
        color: { field: 'series', type: 'nominal', title: null, scale: { range: SERIES_COLORS }, legend: FITTING_LEGEND },
        strokeDash: { field: 'series', type: 'nominal' },
      },
    },
  };
}

/** One field on a grid: `values[row * cols + col]`, drawn with rows up the page; NaN cells are left blank. */
export interface HeatmapPanel {
  readonly title: string;
  readonly rows: number;
  readonly cols: number;
  readonly values: ArrayLike<number>;
  /** Signed errors get a diverging scale centred on 0. */
  readonly diverging?: boolean;
  /**
   * Panels with the same group share one colour scale (prediction and truth), so equal values are equal colours
   * and a flat prediction looks flat beside a structured truth.
   */
  readonly scaleGroup?: string;
}

/** Fields side by side, each with a colour bar; panels of one scale group share its range. */
export function heatmaps(id: string, title: string, caption: string, axes: { x: string; y: string }, panels: readonly HeatmapPanel[]): PlotSpec {
  const ranges = new Map<string, [number, number]>();
  for (const p of panels) {
    if (p.scaleGroup === undefined) continue;
    const [lo, hi] = ranges.get(p.scaleGroup) ?? [Infinity, -Infinity];
    ranges.set(p.scaleGroup, extent(p.values, lo, hi));
  }
  const scaleOf = (p: HeatmapPanel) => {
    if (p.diverging) {
      const [lo, hi] = extent(p.values, Infinity, -Infinity);
      const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
      return { scheme: 'redblue', reverse: true, domain: [-m, m] };
    }
    const shared = p.scaleGroup === undefined ? undefined : ranges.get(p.scaleGroup);
    return { scheme: 'viridis', ...(shared ? { domain: shared } : {}) };
  };
  return {
    id,
    title,
    caption,
    spec: {
      hconcat: panels.map((p) => ({
        title: p.title,
        // Whole pixels per cell: fractional cell edges are anti-aliased into a visible white grid.
        width: p.cols * wholePixels(p.cols),
        height: p.rows * wholePixels(p.rows),
        data: { values: cells(p) },
        mark: { type: 'rect', aria: false },
        encoding: {
          // Every row and column in the domain, blank (NaN) ones too, so cells keep their whole-pixel size.
          x: { field: 'c', type: 'ordinal', title: axes.x, scale: { domain: indices(p.cols) }, axis: { labels: false, ticks: false } },
          y: { field: 'r', type: 'ordinal', title: axes.y, sort: 'descending', scale: { domain: indices(p.rows) }, axis: { labels: false, ticks: false } },
          color: { field: 'v', type: 'quantitative', title: null, scale: scaleOf(p), legend: { format: '.2~e', gradientLength: PANEL - 20, labelLimit: 0 } },
        },
      })),
      resolve: { scale: { color: 'independent' } },
    },
  };
}

/** A cell's width (or height) in whole pixels for `cells` across, so the panel comes out near PANEL pixels. */
const wholePixels = (cells: number) => Math.max(1, Math.round(PANEL / cells));

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

/** [min, max] of the finite values, widened from [lo, hi]. */
function extent(values: ArrayLike<number>, lo: number, hi: number): [number, number] {
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  return [lo, hi];
}

function cells(p: HeatmapPanel): { r: number; c: number; v: number }[] {
  const out: { r: number; c: number; v: number }[] = [];
  for (let r = 0; r < p.rows; r++) {
    for (let c = 0; c < p.cols; c++) {
      const v = Number(p.values[r * p.cols + c]);
      if (Number.isFinite(v)) out.push({ r, c, v });
    }
  }
  return out;
}
