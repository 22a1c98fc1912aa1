import { fromJsonFloat, STAGES, type ParityCase, type ParityReport } from './report.ts';

/**
 * The terminal summary: one row per backend, one column per stage, then one line per failed or errored case
 * (and where it first diverged), and what the float64 arbiter decided. Skipped and unselected cells are "·" and "–".
 */
export function verdictTable(report: ParityReport): string {
  const stages = STAGES.filter((s) => report.stages.includes(s));
  const backends = [...new Set(report.cases.map((c) => c.backend))];
  const cell = (b: string, s: string) => {
    const c = report.cases.find((x) => x.backend === b && x.stage === s);
    return c ? MARK[c.verdict] : '–';
  };
  const rows = [['backend', ...stages], ...backends.map((b) => [b, ...stages.map((s) => cell(b, s))])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  const out = [
    `parity ${report.experiment} vs ${report.reference.kind === 'recorded' ? `baseline "${report.reference.name}"` : report.reference.name} (${report.reference.kind}${report.reference.versions.torch ? `, torch ${report.reference.versions.torch}` : ''}), config sha256:${report.configHash.slice(0, 12)}`,
    line(rows[0]),
    ...rows.slice(1).map(line),
  ];
  for (const c of report.cases) if (c.trajectory && c.verdict === 'pass') out.push(curveSummary(c));
  // A pass the float64 arbiter or the noise-level gradient rule decided says so, with its numbers.
  for (const c of report.cases) if (c.verdict === 'pass' && c.notes) out.push(...c.notes.map((n) => `${c.id}: ${n}`));
  const bad = report.cases.filter((c) => c.verdict === 'fail' || c.verdict === 'error');
  for (const c of bad) out.push(...detail(c));
  const { counts } = report.summary;
  out.push(`${report.summary.verdict.toUpperCase()}: ${counts.pass} pass, ${counts.fail} fail, ${counts.error} error, ${counts.skipped} skipped (${report.timing.seconds.toFixed(1)} s)`);
  return `${out.join('\n')}\n`;
}

const MARK: Record<ParityCase['verdict'], string> = { pass: 'pass', fail: 'FAIL', error: 'ERROR', skipped: '·' };

/** One line per passing trajectory: how close the loss curves stayed (the full curve is in parity.json). */
function curveSummary(c: ParityCase): string {
  const steps = c.trajectory!.steps;
  const worst = steps.reduce((w, s) => (fromJsonFloat(s.relDiff) > fromJsonFloat(w.relDiff) ? s : w), steps[0]);
  return `${c.id}: ${steps.length} steps (${c.trajectory!.schedule} schedule), largest loss difference rel ${fromJsonFloat(worst.relDiff).toExponential(2)} at step ${worst.step}`;
}

function detail(c: ParityCase): string[] {
  const lines = [`${c.verdict.toUpperCase()} ${c.id}: ${c.reason ?? ''}`];
  if (c.firstDivergence) lines.push(`  first divergence (${c.firstDivergence.method}): ${c.firstDivergence.message}`);
  for (const n of c.notes ?? []) lines.push(`  ${n}`);
  return lines;
}
