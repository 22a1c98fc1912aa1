import { STAGES, type FirstDivergence, type ParityCase, type ParityReport, type ValueError } from '../parity/report.ts';
import { backendsOf, formatNumber, verdictCell } from './format.ts';

/**
 * The tables and sentences of a parity report, as plain strings, built once and laid out by both the markdown
 * and the HTML renderer (spec: specs/parity-report.md §2).
 */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The stages a report has cases for (what the selectors chose, not every stage the config enables), in pipeline order. */
export function stagesOf(report: ParityReport): (typeof STAGES)[number][] {
  return STAGES.filter((s) => report.cases.some((c) => c.stage === s));
}

/** Backends down, stages across; each cell the verdict and the worst error. */
export function verdictTable(report: ParityReport): Table {
  const stages = stagesOf(report);
  return {
    headers: ['backend', ...stages],
    rows: backendsOf(report.cases).map((backend) => [
      backend,
      ...stages.map((stage) => verdictCell(report.cases.find((c) => c.backend === backend && c.stage === stage))),
    ]),
  };
}

/** The cases a reader must look at: failures and errors (skips carry their reason in the table's legend). */
export function problemCases(report: ParityReport): ParityCase[] {
  return report.cases.filter((c) => c.verdict === 'fail' || c.verdict === 'error');
}

export function toleranceLine(c: ParityCase): string {
  const entries = Object.entries(c.tolerance);
  if (entries.length === 0) return 'no tolerance recorded';
  return entries.map(([dtype, t]) => `${dtype}: rtol ${formatNumber(t.rtol)}, atol ${formatNumber(t.atol)} (${t.source})`).join('; ');
}

/** Every compared tensor of a case, failing ones first, with its metrics or the reason values were not compared. */
export function tensorTable(c: ParityCase): Table {
  const ordered = [...c.tensors].sort((a, b) => Number(a.verdict === 'pass') - Number(b.verdict === 'pass'));
  return {
    headers: ['tensor', 'role', 'verdict', 'dtype · shape', 'max |Δ|', 'max rel', 'rel L2', 'cosine', 'outside', 'worst at (actual vs expected)'],
    rows: ordered.map((t) => {
      const type = t.actual ?? t.expected;
      const typeText = type ? `${type.dtype} · [${type.shape.join(', ')}]` : '—';
      const m = t.metrics;
      if (!m) return [t.name, t.role, t.verdict, typeText, '—', '—', '—', '—', '—', t.problem ?? 'not compared'];
      return [
        t.name,
        t.role,
        t.verdict,
        typeText,
        formatNumber(m.maxAbs),
        formatNumber(m.maxRel),
        formatNumber(m.relL2),
        formatNumber(m.cosine),
        `${m.outside} of ${m.count} (${formatNumber(m.outsideShare * 100)}%)`,
        // 9 digits: two float32 values that differ in the last place must not print alike.
        `[${m.worstIndex.join(', ')}]: ${formatNumber(m.worstActual, 9)} vs ${formatNumber(m.worstExpected, 9)}`,
      ];
    }),
  };
}

/** The trajectory's first divergent step as a sentence, or undefined when the case has no trajectory. */
export function trajectorySentence(c: ParityCase): string | undefined {
  const t = c.trajectory;
  if (!t) return undefined;
  if (t.firstDivergentStep === null) return `All ${t.steps.length} steps stay within the tolerance (schedule ${t.schedule}, per ${t.scheduleInterval}).`;
  const p = t.steps.find((s) => s.step === t.firstDivergentStep);
  const detail = p
    ? `: loss ${formatNumber(p.loss.actual, 7)} vs reference ${formatNumber(p.loss.expected, 7)} (relative difference ${formatNumber(p.relDiff)}), ` +
      `lr ${formatNumber(p.lr.actual)} vs ${formatNumber(p.lr.expected)}`
    : '';
  return `First divergent step: ${t.firstDivergentStep} of ${t.steps.length} (epoch ${p?.epoch ?? '?'})${detail}.`;
}

/** The first diverging node, as a headline plus the diverging and upstream values. */
export interface DivergenceSummary {
  readonly headline: string;
  readonly method: string;
  readonly values?: Table;
}

export function divergenceSummary(d: FirstDivergence): DivergenceSummary {
  if (!d.node) return { headline: `No single ${d.kind} node diverges (${d.compared} values compared): ${d.message}`, method: d.method };
  const origin = d.node.origin ? `, from forward node ${d.node.origin}` : '';
  return {
    headline: `First diverging ${d.kind} node: ${d.node.name} (${d.node.op}${origin}): ${d.message}`,
    method: `${d.method}; ${d.compared} values compared`,
    values: {
      headers: ['value', 'produced by', 'side', 'within tolerance', 'max |Δ|', 'rel L2'],
      rows: [...d.node.diverging.map((v) => valueRow(v, 'diverging')), ...d.node.upstream.map((v) => valueRow(v, d.kind === 'forward' ? 'input' : 'output adjoint'))],
    },
  };
}

function valueRow(v: ValueError, side: string): string[] {
  return [v.name, v.producer ?? '(graph input)', side, v.withinTolerance ? 'yes' : 'no', formatNumber(v.maxAbs), formatNumber(v.relL2)];
}

/** One line per report: what ran, against what. */
export function reportContext(report: ParityReport): [string, string][] {
  const ref = report.reference;
  const refVersions = Object.entries(ref.versions).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    ['config', `${report.configFile}${report.overrides.length ? ` ${report.overrides.join(' ')}` : ''} (sha256 ${report.configHash.slice(0, 12)})`],
    ['reference', `${ref.name} (${ref.kind}${refVersions ? `; ${refVersions}` : ''})${ref.baseline ? `, baseline ${ref.baseline.path}` : ''}`],
    ['backends', report.backends.map((b) => `${b.name} (${b.dtype})`).join(', ')],
    ['run', `seed ${report.seed}, batch ${report.batchSize}, ${report.trajectorySteps} trajectory steps, ${formatNumber(report.timing.seconds)} s`],
    ['selectors', report.selectors.join(', ') || '(all)'],
    [
      'cases',
      `${report.summary.counts.pass} pass, ${report.summary.counts.fail} fail, ${report.summary.counts.error} error, ${report.summary.counts.skipped} skipped`,
    ],
  ];
}
