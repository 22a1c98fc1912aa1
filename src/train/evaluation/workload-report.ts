import { join, relative } from 'node:path';
import type { DataContainer } from '../../data/container.ts';
import type { DataView } from '../../data/data-view.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { DataAdapter, DomainResults } from '../../contracts/adapter.ts';
import type { BatchFeed } from '../../contracts/backend.ts';
import type { Model } from '../../contracts/model.ts';
import type { PlotSpec } from '../../contracts/plot-spec.ts';
import type { RunReport } from '../../contracts/run-hooks.ts';
import { heatmaps, rolloutErrors, termCurves, type HeatmapPanel } from '../../reports/run-plots/run-plots.ts';
import { lossCurve, type RefinementPoint } from '../../reports/run-plots/loss-curve.ts';
import { RUN_REPORT_FILE } from '../../reports/run-plots/write-run-report.ts';
import { declareReportFiles } from '../../reports/report-files.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { isDataTerm } from '../losses/data/data-terms.ts';
import type { LossTermConfig } from '../losses/loss-kind.ts';
import type { EpochRecord, LossSummary } from '../history.ts';
import { rolloutTermOf } from '../losses/rollout/rollout-model.ts';
import type { RolloutTermConfig } from '../losses/rollout/rollout-term.ts';
import { evaluateField, type FieldScale } from './field-metrics.ts';
import { evaluateRollout } from './rollout-metrics.ts';
import { evaluatePinn } from './pinn-evaluation.ts';
import { parseLayout } from '../../data/layout.ts';
import { TIME_DIM } from '../losses/rollout/window-frames.ts';

export const ROLLOUT_METRICS_FILE = 'rollout-metrics.json';
export const FIELD_METRICS_FILE = 'field-metrics.json';
export const SOLUTION_METRICS_FILE = 'solution-metrics.json';

/** What every run's report shows: the loss per epoch and the final loss on the whole splits. */
export interface TrainedRun {
  readonly runDir: string;
  readonly experiment: string;
  readonly history: readonly EpochRecord[];
  readonly final: { readonly train: LossSummary; readonly validation?: LossSummary };
  /** The L-BFGS phase after the epochs (train.lbfgs), drawn in the loss curve. */
  readonly lbfgs?: readonly RefinementPoint[];
  /** The adapter's own evaluation (afterTraining): table rows and plots for the report. */
  readonly domain?: DomainReport;
  /** The loss config: terms of weight 0 are measurements, drawn by name in the loss curve. */
  readonly loss?: Readonly<Record<string, LossTermConfig>>;
}

/** The report section an adapter's afterTraining contributes (ptycho reconstructions, elastic field maps). */
export type DomainReport = Omit<DomainResults, 'line'>;

/** A trained run whose session is still open: its forward pass and loss terms, for the test evaluations. */
export interface EvaluatedRun extends TrainedRun {
  readonly forward: (batch: BatchFeed) => Promise<Map<string, Tensor>>;
  readonly loss: Readonly<Record<string, LossTermConfig>>;
}

/** A run's evaluation: the line the evaluate stage prints, and the report the reporters render (report.html). */
export interface WorkloadReport {
  readonly line: string;
  readonly report: RunReport;
}

export interface WorkloadRun extends EvaluatedRun {
  readonly container: DataContainer;
  readonly adapter: DataAdapter;
  readonly model: Model;
}

/**
 * The evaluation a run gets after training, before the session closes, and what its report.html shows: a
 * rollout-trained model (Burgers) gets per-step L2/L1/L∞ errors over the test rollouts, a field-to-field model
 * (Darcy) the relative L2 error in physical units, each with its metrics JSON; every other run (quickstart, PINN …)
 * the loss curve and the final losses. Returns the line the evaluate stage prints and the report, which the
 * training run hands to the reporters (RunHooks.onReport): they alone write report.html.
 */
export async function workloadReport(run: WorkloadRun): Promise<WorkloadReport> {
  const rollout = rolloutTermOf(run.loss);
  if (rollout) return rolloutReport(run, rollout.term, run.container);
  return (await pinnReport(run)) ?? (await fieldReport(run)) ?? lossReport(run, `${run.experiment}: training run`, []);
}

/**
 * The report of a run whose data is streamed from disk: a rollout model is rolled out batch by batch (the same
 * numbers as in memory); any other workload evaluation reads whole splits from memory, so such a run gets the loss
 * curve and final losses, and the report says why the rest is missing.
 */
export async function streamedRunReport(run: EvaluatedRun, data: DataView, batchSize: number): Promise<WorkloadReport> {
  const rollout = rolloutTermOf(run.loss);
  if (rollout) return rolloutReport(run, rollout.term, data, batchSize);
  const note = 'skipped: the data is streamed from disk (adapter stream: true) and the workload evaluation (test metrics, example plot) needs every test sample in memory; the final losses above are over all of them';
  return lossReport(run, `${run.experiment}: training run (streamed data)`, [['workload evaluation', note]]);
}

/** A report with the loss curve and the final losses, plus any rows the caller adds. */
function lossReport(run: TrainedRun, title: string, extra: readonly [string, string][]): WorkloadReport {
  const report = { title, rows: [...finalLossRows(run), ...extra, ...domainRows(run)], plots: [...lossPlots(run), ...domainPlots(run)] };
  const shown = ['loss curve', 'final losses', ...domainPlots(run).map((p) => p.title.replace(/^[^:]*: /, ''))];
  return { line: `report ${reportPath(run)} (${shown.join(', ')})${extra.length ? `; ${extra.map(([k, v]) => `${k} ${v}`).join('; ')}` : ''}`, report };
}

/** Where the reporters write the report, as the evaluate line names it. */
const reportPath = (run: TrainedRun) => relative(process.cwd(), join(run.runDir, RUN_REPORT_FILE));

/** One row per split: the final loss on the whole split and each term's share, the table every report starts with. */
function finalLossRows(run: TrainedRun): [string, string][] {
  const monitors = monitorTerms(run);
  const row = (split: string, s: LossSummary): [string, string] => {
    const terms = Object.entries(s.terms);
    const measured = terms.filter(([t]) => monitors.includes(t));
    // A split where every trained term is masked out (elastic's test grid) has a total of 0 that says nothing.
    if (s.loss === 0 && measured.length > 0 && terms.every(([t, v]) => v === 0 || monitors.includes(t))) {
      return [`final ${split} ${measured.map(([t]) => t).join(', ')}`, `${measured.map(([t, v]) => `${t} ${v.toExponential(4)}`).join(', ')} (weight 0: measured, not trained; no trained term applies on this split)`];
    }
    return [`final ${split} loss`, `${s.loss.toExponential(4)}${terms.length > 1 ? ` (${terms.map(([t, v]) => `${t} ${v.toExponential(4)}`).join(', ')})` : ''}`];
  };
  return [['epochs', String(run.history.length)], row('train', run.final.train), ...(run.final.validation ? [row('validation', run.final.validation)] : [])];
}

/** The loss curve, when the run trained at least one epoch (a resumed run that had nothing left to do has none). */
function lossPlots(run: TrainedRun): PlotSpec[] {
  const monitors = monitorTerms(run);
  return run.history.length ? [lossCurve(run.experiment, run.history, { monitors, ...(run.lbfgs ? { lbfgs: run.lbfgs } : {}) })] : [];
}

/** Loss terms of weight 0: measured on each split, not trained (elastic's `test`, the relative L2 error). */
const monitorTerms = (run: TrainedRun) => Object.entries(run.loss ?? {}).filter(([, t]) => t.weight === 0).map(([name]) => name);

const domainRows = (run: TrainedRun) => run.domain?.rows ?? [];
const domainPlots = (run: TrainedRun) => run.domain?.plots ?? [];

async function rolloutReport(run: EvaluatedRun, term: RolloutTermConfig, data: DataView, batchSize?: number): Promise<WorkloadReport> {
  const r = await evaluateRollout(term, data, run.forward, batchSize);
  const trainHorizon = term.horizon ?? r.horizon;
  const file = join(run.runDir, ROLLOUT_METRICS_FILE);
  writeFileAtomic(file, `${JSON.stringify({ field: term.field, split: r.split, windows: r.windows, horizon: r.horizon, train_horizon: trainHorizon, definitions: METRIC_DEFINITIONS, per_step: r.perStep }, null, 2)}\n`);
  declareReportFiles(run.runDir, ROLLOUT_METRICS_FILE);
  const frameDims = parseLayout(term.window).filter((d) => d !== 'batch' && d !== TIME_DIM);
  const example = rolloutExample(run.experiment, frameDims, r.example);
  const last = r.perStep[r.perStep.length - 1];
  const report: RunReport = {
    title: `${run.experiment}: rollout surrogate`,
    rows: [
      ...finalLossRows(run),
      ['test windows', `${r.windows} (${r.split} split), rolled out ${r.horizon} steps (trained on ${trainHorizon})`],
      ...r.perStep.map((s): [string, string] => [`step ${s.step}`, `L2 ${s.l2.toExponential(3)}, L1 ${s.l1.toExponential(3)}, L∞ ${s.linf.toExponential(3)}, rel L2 ${s.rel_l2.toExponential(3)}`]),
      ...domainRows(run),
    ],
    plots: [...lossPlots(run), rolloutErrors(run.experiment, r.perStep, trainHorizon), example, ...domainPlots(run)],
  };
  const first = r.perStep[0];
  return { line: `rollout on ${r.windows} test windows (${ROLLOUT_METRICS_FILE}): step 1 L2 ${first.l2.toExponential(3)}, step ${last.step} L2 ${last.l2.toExponential(3)} L∞ ${last.linf.toExponential(3)} rel L2 ${last.rel_l2.toExponential(3)}; report ${reportPath(run)}`, report };
}

/** Caption sentence for every prediction | truth | error figure. */
const SHARED_SCALE = 'Prediction and truth share one colour scale (equal values, equal colours); the error beside them is prediction − truth on a scale centred on 0.';

const METRIC_DEFINITIONS = {
  l2: 'root mean square of pred − true over every test window and grid point, k steps after the initial state',
  l1: 'mean |pred − true|',
  linf: 'max |pred − true|',
  rel_l2: '‖pred − true‖₂ / ‖true‖₂ over every window together',
};

/** 1D: space–time maps of the first test window (rows = time); 2D: the last frame's first component. */
function rolloutExample(experiment: string, dims: readonly string[], ex: { frameShape: number[]; truth: Float64Array[]; pred: Float64Array[] }) {
  const id = `${experiment}-example`;
  const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v - b[i]);
  if (!dims.includes('y')) {
    const cols = ex.frameShape[dims.indexOf('x')];
    const stride = ex.frameShape.reduce((a, b) => a * b, 1) / cols;
    const map = (frames: Float64Array[]) => Float64Array.from({ length: frames.length * cols }, (_, i) => frames[Math.floor(i / cols)][(i % cols) * stride]);
    const [pred, truth] = [map(ex.pred), map(ex.truth)];
    const panel = (title: string, values: Float64Array, diverging = false): HeatmapPanel => ({ title, rows: ex.pred.length, cols, values, ...(diverging ? { diverging } : { scaleGroup: 'field' }) });
    return heatmaps(id, `${experiment}: one test rollout, space × time`, `The first test window: the initial state (bottom row) and each rolled-out frame above it. ${SHARED_SCALE}`, { x: 'x', y: 'time →' }, [panel('prediction', pred), panel('truth', truth), panel('error (prediction − truth)', diff(pred, truth), true)]);
  }
  const k = ex.pred.length - 1;
  const plane = planeOf(dims, ex.frameShape);
  const [pred, truth] = [plane(ex.pred[k]), plane(ex.truth[k])];
  return heatmaps(id, `${experiment}: one test rollout, step ${k}`, `The first test window after ${k} rolled-out steps, first velocity component. ${SHARED_SCALE}`, { x: 'x', y: 'y' }, [
    { title: 'prediction', ...pred, scaleGroup: 'field' },
    { title: 'truth', ...truth, scaleGroup: 'field' },
    { title: 'error (prediction − truth)', rows: pred.rows, cols: pred.cols, values: diff(pred.values, truth.values), diverging: true },
  ]);
}

/** Channel 0 of a (…x, y…) frame as a y-rows × x-cols plane, whatever the dims' order. */
function planeOf(dims: readonly string[], shape: readonly number[]): (frame: ArrayLike<number>) => { rows: number; cols: number; values: Float64Array } {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const [xi, yi] = [dims.indexOf('x'), dims.indexOf('y')];
  const [cols, rows] = [shape[xi], shape[yi]];
  return (frame) => ({ rows, cols, values: Float64Array.from({ length: rows * cols }, (_, i) => frame[Math.floor(i / cols) * strides[yi] + (i % cols) * strides[xi]]) });
}

/** A PINN on the pinn adapter's test grid: errors against the exact solution, and the fields beside it. */
async function pinnReport(run: WorkloadRun): Promise<WorkloadReport | undefined> {
  const domain = run.adapter.lossContext?.().domain;
  if (!domain?.grid) return undefined;
  const e = await evaluatePinn(run.experiment, run.container, domain, domain.grid, run.forward);
  const file = join(run.runDir, SOLUTION_METRICS_FILE);
  writeFileAtomic(file, `${JSON.stringify({ split: 'validation', points: e.points, grid: e.grid, fields: e.fields }, null, 2)}\n`);
  declareReportFiles(run.runDir, SOLUTION_METRICS_FILE);
  const rows = Object.entries(e.fields).map(([f, x]): [string, string] => [`${f} vs exact on the test grid`, `relative L2 ${x.rel_l2.toExponential(4)}, RMS ${x.rms.toExponential(4)}, max |error| ${x.max_abs.toExponential(4)}`]);
  const curves = run.history.length ? [termCurves(run.experiment, run.history)] : [];
  const report: RunReport = {
    title: `${run.experiment}: physics-informed network`,
    rows: [...finalLossRows(run), ['test grid', `${Object.entries(e.grid).map(([c, k]) => `${c} ${k}`).join(' × ')} = ${e.points} points`], ...rows],
    plots: [...lossPlots(run), ...curves, ...e.plots],
  };
  const summary = Object.entries(e.fields).map(([f, x]) => `${f} relative L2 ${x.rel_l2.toExponential(4)}`).join(', ');
  return { line: `test grid (${e.points} points, ${SOLUTION_METRICS_FILE})${summary ? `: ${summary}` : ''}; report ${reportPath(run)}`, report };
}

async function fieldReport(run: WorkloadRun): Promise<WorkloadReport | undefined> {
  const inputKey = run.model.effectiveSettings().input;
  const specs = run.container.specs();
  const term = Object.values(run.loss).find(isDataTerm);
  const spatial = (key: string) => ['x', 'y'].every((d) => specs[key]?.dims.includes(d));
  if (!term || typeof inputKey !== 'string' || !spatial(inputKey) || !spatial(term.target)) return undefined;
  const scales = (run.adapter as { normalization?: () => Record<string, FieldScale> }).normalization?.() ?? {};
  const f = await evaluateField(term, inputKey, run.container, run.forward, scales);
  const file = join(run.runDir, FIELD_METRICS_FILE);
  writeFileAtomic(file, `${JSON.stringify({ output: term.output, target: term.target, split: f.split, samples: f.samples, rel_l2: f.rel_l2, mse: f.mse, denormalized: f.denormalized, normalization: scales }, null, 2)}\n`);
  declareReportFiles(run.runDir, FIELD_METRICS_FILE);
  const dims = specs[term.target].dims;
  const plane = planeOf(dims, f.example.shape);
  const inputPlane = planeOf(specs[inputKey].dims, specs[inputKey].shape);
  const [truth, pred] = [plane(f.example.truth), plane(f.example.pred)];
  const example = heatmaps(`${run.experiment}-example`, `${run.experiment}: one test sample`, `The first test sample${f.denormalized ? ' in physical units (de-normalised with the training statistics)' : ''}: the input (its own scale), then the predicted and true fields. ${SHARED_SCALE}`, { x: 'x', y: 'y' }, [
    { title: `${inputKey} (input)`, ...inputPlane(f.example.input) },
    { title: `${term.output} (predicted)`, ...pred, scaleGroup: 'field' },
    { title: `${term.target} (true)`, ...truth, scaleGroup: 'field' },
    { title: 'error (predicted − true)', rows: pred.rows, cols: pred.cols, values: Float64Array.from(pred.values, (v, i) => v - truth.values[i]), diverging: true },
  ]);
  const report: RunReport = {
    title: `${run.experiment}: field surrogate`,
    rows: [
      ...finalLossRows(run),
      ['test samples', `${f.samples} (${f.split} split)`],
      ['relative L2 (mean over samples)', f.rel_l2.toExponential(4)],
      ['MSE', f.mse.toExponential(4)],
      ...domainRows(run),
    ],
    plots: [...lossPlots(run), example, ...domainPlots(run)],
  };
  return { line: `${term.output} vs ${term.target} on ${f.samples} test samples (${FIELD_METRICS_FILE}): relative L2 ${f.rel_l2.toExponential(4)}${f.denormalized ? ' (physical units)' : ''}; report ${reportPath(run)}`, report };
}
