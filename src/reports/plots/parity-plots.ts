import { fromJsonFloat, STAGES, type ParityReport } from '../../parity/report.ts';
import { backendsOf, worstAbsError } from '../format.ts';
import type { PlotSpec, VegaLiteSpec } from '../../contracts/plot-spec.ts';

/**
 * The plots of a parity report (spec: specs/parity-report.md §3), as vega-lite specs with inline data:
 * - loss per step, the reference and every backend (trajectory stage);
 * - the worst error per stage and backend, log scale;
 * - the divergence curve: relative loss difference per step, with the first divergent step marked.
 * A plot with no data to draw is left out rather than drawn empty.
 */
const WIDTH = 520;
const HEIGHT = 240;
const REFERENCE_SERIES = 'torch (reference)';
const REFERENCE_COLOR = '#555555';
/** vega's tableau10, assigned by backend order so a backend has the same colour in every plot of a report. */
const BACKEND_COLORS = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];
/** Log axes as 1e-7, not 0.0000001. */
const LOG_AXIS_FORMAT = '.0e';

function backendColor(backends: readonly string[]) {
  return { domain: [...backends], range: backends.map((_, i) => BACKEND_COLORS[i % BACKEND_COLORS.length]) };
}

/** `idPrefix` keeps ids unique when one page holds several reports (two groups may run the same experiment). */
export function parityPlots(report: ParityReport, idPrefix = ''): PlotSpec[] {
  return [lossTrajectories(report), errorPerStage(report), divergenceCurve(report)]
    .filter((p): p is PlotSpec => p !== undefined)
    .map((p) => ({ ...p, id: `${idPrefix}${p.id}` }));
}

function lossTrajectories(report: ParityReport): PlotSpec | undefined {
  const cases = report.cases.filter((c) => c.stage === 'trajectory' && c.trajectory && c.trajectory.steps.length > 0);
  if (cases.length === 0) return undefined;
  const rows: { step: number; loss: number; series: string }[] = [];
  // Every trajectory case carries the reference's losses; they are one run, so the first case's copy is drawn.
  for (const point of cases[0].trajectory!.steps) rows.push({ step: point.step, loss: fromJsonFloat(point.loss.expected), series: REFERENCE_SERIES });
  for (const c of cases) for (const point of c.trajectory!.steps) rows.push({ step: point.step, loss: fromJsonFloat(point.loss.actual), series: c.backend });
  const finite = rows.filter((r) => Number.isFinite(r.loss));
  const logScale = finite.length > 0 && finite.every((r) => r.loss > 0);
  const colors = backendColor(backendsOf(report.cases));
  const dropped = rows.length - finite.length;
  return {
    id: `${report.experiment}-loss`,
    title: `${report.experiment}: training loss per step`,
    caption:
      `Loss before each optimizer step, ${REFERENCE_SERIES} and each backend from the same initial state and batches` +
      ` (schedule ${cases[0].trajectory!.schedule}).${logScale ? ' Log scale.' : ''}` +
      (dropped ? ` ${dropped} non-finite loss value(s) cannot be drawn.` : ''),
    spec: {
      width: WIDTH,
      height: HEIGHT,
      data: { values: finite },
      mark: { type: 'line', point: { size: 18 } },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1 } },
        y: {
          field: 'loss',
          type: 'quantitative',
          title: 'loss',
          scale: logScale ? { type: 'log' } : { zero: false },
          ...(logScale ? { axis: { format: LOG_AXIS_FORMAT } } : {}),
        },
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: [REFERENCE_SERIES, ...colors.domain], range: [REFERENCE_COLOR, ...colors.range] } },
        // The reference is drawn thick and dashed underneath, so a backend lying on top of it still lets it show.
        strokeDash: { field: 'series', type: 'nominal', scale: { domain: [REFERENCE_SERIES, ...colors.domain], range: [[6, 3], ...colors.domain.map(() => [1, 0])] } },
        strokeWidth: { condition: { test: `datum.series === '${REFERENCE_SERIES}'`, value: 3 }, value: 1.5 },
      },
    } as VegaLiteSpec,
  };
}

function errorPerStage(report: ParityReport): PlotSpec | undefined {
  const rows = report.cases.flatMap((c) => {
    const error = worstAbsError(c);
    return error === undefined || !Number.isFinite(error) ? [] : [{ stage: c.stage, backend: c.backend, error, verdict: c.verdict }];
  });
  if (rows.length === 0) return undefined;
  const floor = zeroFloor(rows.map((r) => r.error));
  const zeros = rows.filter((r) => r.error === 0).length;
  const stageOrder = STAGES.filter((s) => rows.some((r) => r.stage === s));
  return {
    id: `${report.experiment}-stage-error`,
    title: `${report.experiment}: worst error per stage`,
    caption:
      'Largest |backend − reference| over every tensor a stage compares (the trajectory: over every step\'s loss), log scale; ' +
      'a cross marks a failing case.' +
      (zeros ? ` ${zeros} exact match(es) (error 0) are drawn at ${floor.toExponential(0)}.` : ''),
    spec: {
      width: WIDTH,
      height: HEIGHT,
      data: { values: rows.map((r) => ({ ...r, shown: r.error === 0 ? floor : r.error })) },
      encoding: {
        x: { field: 'stage', type: 'ordinal', sort: stageOrder, title: 'stage', axis: { labelAngle: 0 } },
        y: { field: 'shown', type: 'quantitative', title: 'max |Δ|', scale: { type: 'log' }, axis: { format: LOG_AXIS_FORMAT } },
        color: { field: 'backend', type: 'nominal', title: 'backend', scale: backendColor(backendsOf(report.cases)) },
      },
      layer: [
        { mark: { type: 'line', strokeWidth: 1.5 } },
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            shape: { field: 'verdict', type: 'nominal', title: 'verdict', scale: { domain: ['pass', 'fail', 'error'], range: ['circle', 'cross', 'triangle'] } },
          },
        },
      ],
    } as VegaLiteSpec,
  };
}

function divergenceCurve(report: ParityReport): PlotSpec | undefined {
  const cases = report.cases.filter((c) => c.stage === 'trajectory' && c.trajectory && c.trajectory.steps.length > 0);
  const rows = cases.flatMap((c) =>
    c.trajectory!.steps.map((p) => ({ step: p.step, backend: c.backend, relDiff: fromJsonFloat(p.relDiff), outside: !p.withinTolerance })),
  );
  const finite = rows.filter((r) => Number.isFinite(r.relDiff));
  if (finite.length === 0) return undefined;
  const floor = zeroFloor(finite.map((r) => r.relDiff));
  const firsts = cases.flatMap((c) => (c.trajectory!.firstDivergentStep === null ? [] : [{ step: c.trajectory!.firstDivergentStep, backend: c.backend }]));
  // The relative tolerance as a horizontal line: how close a passing curve came to failing. The test is
  // atol + rtol·|e|, so near a zero loss atol dominates and the line is a guide, not the exact boundary.
  const rtols = [...new Set(cases.flatMap((c) => Object.values(c.tolerance).map((t) => t.rtol)).filter((r) => r > 0))];
  return {
    id: `${report.experiment}-divergence`,
    title: `${report.experiment}: divergence from the reference per step`,
    caption:
      '|loss − reference loss| / |reference loss| per step, log scale; red crosses are steps outside the tolerance, ' +
      (firsts.length ? 'the dashed line is each backend\'s first divergent step' : 'and no backend diverged') +
      (rtols.length ? `; the grey line is the relative tolerance (rtol ${rtols.map((r) => r.toExponential()).join(', ')}).` : '.') +
      (finite.some((r) => r.relDiff === 0) ? ` Exact matches are drawn at ${floor.toExponential(0)}.` : '') +
      (rows.length > finite.length ? ` ${rows.length - finite.length} non-finite value(s) cannot be drawn.` : ''),
    spec: {
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: finite.map((r) => ({ ...r, shown: r.relDiff === 0 ? floor : r.relDiff })) },
          layer: [
            {
              mark: { type: 'line', strokeWidth: 1.5 },
              encoding: {
                x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1 } },
                y: { field: 'shown', type: 'quantitative', title: 'relative loss difference', scale: { type: 'log' }, axis: { format: LOG_AXIS_FORMAT } },
                color: { field: 'backend', type: 'nominal', title: 'backend', scale: backendColor(backendsOf(report.cases)) },
              },
            },
            {
              transform: [{ filter: 'datum.outside' }],
              mark: { type: 'point', shape: 'cross', color: '#d62728', size: 60, filled: true },
              encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'shown', type: 'quantitative' } },
            },
          ],
        },
        ...(firsts.length
          ? [{ data: { values: firsts }, mark: { type: 'rule', strokeDash: [4, 3], color: '#d62728' }, encoding: { x: { field: 'step', type: 'quantitative' } } }]
          : []),
        ...(rtols.length
          ? [{ data: { values: rtols.map((rtol) => ({ rtol })) }, mark: { type: 'rule', color: '#999999', strokeWidth: 1.5 }, encoding: { y: { field: 'rtol', type: 'quantitative' } } }]
          : []),
      ],
    } as VegaLiteSpec,
  };
}

/** Where to draw an exact 0 on a log axis: a decade below the smallest positive value (1e-16 when none). */
function zeroFloor(values: readonly number[]): number {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return 1e-16;
  return 10 ** (Math.floor(Math.log10(Math.min(...positive))) - 1);
}
