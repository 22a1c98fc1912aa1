import type { DataContainer } from '../../data/container.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { BatchFeed } from '../../contracts/backend.ts';
import type { PlotSpec } from '../../contracts/plot-spec.ts';
import { heatmaps, profiles, type HeatmapPanel } from '../../reports/run-plots/run-plots.ts';
import type { PointDomain } from '../../physics/pinn/point-domain.ts';
import { constantFeeds, feedOf } from '../trainer.ts';

/** Errors of one predicted field against its exact solution on the test grid. */
export interface FieldErrors {
  readonly rel_l2: number;
  readonly rms: number;
  readonly max_abs: number;
}

export interface PinnEvaluation {
  readonly points: number;
  readonly grid: Readonly<Record<string, number>>;
  /** Per output field with an exact solution. */
  readonly fields: Readonly<Record<string, FieldErrors>>;
  readonly plots: readonly PlotSpec[];
}

/**
 * A trained PINN on its regular test grid (the validation rows, first coordinate fastest): every [batch, 1]
 * output against its exact solution where the adapter has one, and per field a plot of the prediction, the exact
 * field (one colour scale for both) and their difference over the first two coordinates, at the last value of any
 * further ones (the last time of an (x, y, t) domain); on a one-coordinate domain, both as lines.
 */
export async function evaluatePinn(experiment: string, data: DataContainer, domain: PointDomain, grid: readonly number[], forward: (batch: BatchFeed) => Promise<Map<string, Tensor>>): Promise<PinnEvaluation> {
  const n = data.split.validation.length;
  const feed = feedOf(data.epoch('validation', { batchSize: n, seed: 0, epoch: 0, shuffle: false }).at(0), constantFeeds(data));
  const out = await forward(feed);
  const fields: Record<string, FieldErrors> = {};
  const plots: PlotSpec[] = [];
  for (const [field, t] of out) {
    if (t.shape.length !== 2 || t.shape[1] !== 1) continue;
    const pred = Float64Array.from(t.data as ArrayLike<number>);
    const exactKey = domain.solution[field];
    const exact = exactKey ? Float64Array.from(feed.get(exactKey)!.data as ArrayLike<number>) : undefined;
    if (exact) fields[field] = errors(pred, exact);
    const coords = feed.get(domain.coords)!.data as ArrayLike<number>;
    plots.push(grid.length >= 2 ? fieldPlot(experiment, field, domain.coordinates, grid, pred, exact) : lineField(experiment, field, domain.coordinates[0], coords, pred, exact));
  }
  return { points: n, grid: Object.fromEntries(domain.coordinates.map((c, k) => [c, grid[k]])), fields, plots };
}

function errors(pred: Float64Array, exact: Float64Array): FieldErrors {
  let e2 = 0;
  let t2 = 0;
  let max = 0;
  pred.forEach((p, i) => {
    const e = p - exact[i];
    e2 += e * e;
    t2 += exact[i] * exact[i];
    max = Math.max(max, Math.abs(e));
  });
  return { rel_l2: Math.sqrt(e2 / t2), rms: Math.sqrt(e2 / pred.length), max_abs: max };
}

/** A one-coordinate domain: the prediction and the exact solution as lines over the test grid. */
function lineField(experiment: string, field: string, axis: string, at: ArrayLike<number>, pred: Float64Array, exact?: Float64Array): PlotSpec {
  const series = { [`${field} (predicted)`]: pred, ...(exact ? { [`${field} (exact)`]: exact } : {}) };
  return profiles(`${experiment}-${field}`, `${experiment}: ${field} on the test grid`, `${field} at the ${at.length} test-grid points along ${axis}${exact ? ', beside the exact solution' : ''}.`, axis, at, series);
}

/** Prediction | exact | error over coordinates 0 (across) and 1 (up), at the last grid index of the rest. */
function fieldPlot(experiment: string, field: string, coordinates: readonly string[], grid: readonly number[], pred: Float64Array, exact?: Float64Array): PlotSpec {
  const [cols, rows] = grid;
  const plane = cols * rows;
  const offset = grid.slice(2).reduce((a, b) => a * b, 1) * plane - plane;
  const slice = (v: Float64Array) => v.subarray(offset, offset + plane);
  const rest = coordinates.slice(2);
  const at = rest.length ? ` at the last ${rest.join(', ')}` : '';
  const p = slice(pred);
  const panels: HeatmapPanel[] = [];
  if (exact) {
    const e = slice(exact);
    panels.push({ title: `${field} (predicted)`, rows, cols, values: p, scaleGroup: field }, { title: `${field} (exact)`, rows, cols, values: e, scaleGroup: field }, { title: 'error (predicted − exact)', rows, cols, values: p.map((v, i) => v - e[i]), diverging: true });
  } else {
    panels.push({ title: `${field} (predicted)`, rows, cols, values: p });
  }
  const caption = `${field} on the ${grid.join(' × ')} test grid${at}, ${coordinates[0]} across, ${coordinates[1]} up${exact ? '; the prediction and the exact solution share one colour scale, the error is prediction − exact' : ' (no exact solution given)'}.`;
  return heatmaps(`${experiment}-${field}`, `${experiment}: ${field} on the test grid`, caption, { x: coordinates[0], y: `${coordinates[1]} →` }, panels);
}
