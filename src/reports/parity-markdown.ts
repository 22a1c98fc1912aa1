import type { ParityReport } from '../parity/report.ts';
import { divergenceSummary, problemCases, reportContext, tensorTable, toleranceLine, trajectorySentence, verdictTable, type Table } from './case-details.ts';
import { formatNumber, VERDICT_MARK } from './format.ts';
import { countStatuses, type ReportInput, type TestFileResult } from './report-input.ts';

/**
 * `parity.md` (spec: specs/parity-report.md §2): the verdict, the exit criteria, then per experiment a verdict
 * table (backends × stages) and every failing case with its metrics and first diverging node, then test results.
 * GitHub-flavoured markdown, readable as plain text too.
 */
export function renderMarkdown(input: ReportInput): string {
  const out: string[] = [`# ${input.title}: ${VERDICT_MARK[input.verdict]}`, ''];
  for (const [label, value] of input.context) out.push(`- **${label}**: ${value}`);
  if (input.context.length) out.push('');
  if (input.criteria.length) {
    out.push('## Exit criteria', '');
    for (const c of input.criteria) out.push(`- ${c.passed ? '✓' : '✗'} ${c.description}: ${c.detail}`);
    out.push('');
  }
  for (const report of input.parity) out.push(...parityBlock(report, input.parity.length > 1));
  if (input.tests.length) out.push(...testsBlock(input.tests));
  return `${out.join('\n').trimEnd()}\n`;
}

function parityBlock(report: ParityReport, named: boolean): string[] {
  const out = [`## Parity${named ? `: ${report.experiment}` : ''} — ${VERDICT_MARK[report.summary.verdict]}`, ''];
  for (const [label, value] of reportContext(report)) out.push(`- ${label}: ${value}`);
  out.push('', markdownTable(verdictTable(report)), '', 'Cells: verdict (worst max |backend − reference| of the stage).', '');
  const skipped = report.cases.filter((c) => c.verdict === 'skipped');
  for (const c of skipped) out.push(`- ${c.id} skipped: ${c.reason ?? 'no reason given'}`);
  if (skipped.length) out.push('');
  // How the float64 arbiter and the noise-level gradient rule decided (passes included), with their numbers.
  const noted = report.cases.filter((c) => c.notes?.length);
  for (const c of noted) out.push(...c.notes!.map((n) => `- ${c.id}: ${n}`));
  if (noted.length) out.push('');
  const problems = problemCases(report);
  if (problems.length) out.push(`### Failing cases (${problems.length})`, '');
  for (const c of problems) {
    out.push(`#### ${c.id} — ${VERDICT_MARK[c.verdict]}`, '');
    if (c.reason) out.push(c.reason, '');
    out.push(`Tolerance: ${toleranceLine(c)}.`, '');
    if (c.tensors.length) out.push(markdownTable(tensorTable(c)), '');
    const trajectory = trajectorySentence(c);
    if (trajectory) out.push(trajectory, '');
    if (c.firstDivergence) {
      const d = divergenceSummary(c.firstDivergence);
      out.push(`**${d.headline}**`, '', `Method: ${d.method}.`, '');
      if (d.values) out.push(markdownTable(d.values), '');
    }
  }
  return out;
}

function testsBlock(files: readonly TestFileResult[]): string[] {
  const out = ['## Tests', ''];
  for (const f of files) {
    const counts = countStatuses(f);
    out.push(`### ${f.file}${f.filter ? ` -t "${f.filter}"` : ''}`, '');
    if (f.error) out.push(`vitest failed before reporting results: ${f.error}`, '');
    else if (counts.passed + counts.failed === 0) out.push('No test ran: the filter selects no test of this file.', '');
    out.push(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped.`, '');
    const failed = f.tests.filter((t) => t.status === 'failed');
    for (const t of failed) out.push(`- ✗ ${t.name}: ${(t.failure ?? 'failed').split('\n')[0]}`);
    if (failed.length) out.push('');
    if (f.tests.length) {
      const rows = f.tests.map((t) => [t.name, t.status, `${formatNumber(t.durationMs)} ms`]);
      out.push(markdownTable({ headers: ['test', 'status', 'time'], rows }), '');
    }
  }
  return out;
}

export function markdownTable(table: Table): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${table.headers.map(cell).join(' | ')} |`,
    `|${table.headers.map(() => '---').join('|')}|`,
    ...table.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
