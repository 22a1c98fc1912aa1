import type { ParityReport, Verdict } from '../parity/report.ts';
import { divergenceSummary, problemCases, reportContext, tensorTable, toleranceLine, trajectorySentence, verdictTable, type Table } from './case-details.ts';
import { VERDICT_MARK } from './format.ts';
import type { PlotSpec } from '../contracts/plot-spec.ts';
import { parityPlots } from './plots/parity-plots.ts';
import { renderSvg } from './plots/vega-svg.ts';
import { REPORT_CSS } from './report-css.ts';
import { countStatuses, type ReportInput, type TestFileResult } from './report-input.ts';

/**
 * `report.html` (spec: specs/parity-report.md §3): one self-contained file, no script and no external URL, so
 * it opens from an archive, an e-mail or a CI artifact as it is. Plots are inline SVG rendered headless from
 * vega-lite; the specs are returned too, for the archive to keep them re-renderable.
 */
export interface RenderedHtml {
  readonly html: string;
  readonly plots: readonly PlotSpec[];
}

export async function renderHtml(input: ReportInput): Promise<RenderedHtml> {
  const plots: PlotSpec[] = [];
  const sections: string[] = [];
  for (const [i, report] of input.parity.entries()) {
    const own = parityPlots(report, input.parity.length > 1 ? `${i + 1}-` : '');
    plots.push(...own);
    sections.push(await paritySection(report, own, input.parity.length > 1));
  }
  if (input.tests.length) sections.push(testsSection(input.tests));
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)}: ${input.verdict}</title><style>${REPORT_CSS}</style></head>
<body><main>
<header><h1>${esc(input.title)}</h1>${badge(input.verdict, 'big')}</header>
${input.context.length ? `<dl class="context">${input.context.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>` : ''}
${criteriaSection(input)}
${sections.join('\n')}
</main></body></html>
`;
  return { html, plots };
}

function criteriaSection(input: ReportInput): string {
  if (!input.criteria.length) return '';
  const items = input.criteria.map(
    (c) => `<li class="${c.passed ? 'pass' : 'fail'}"><span class="mark">${c.passed ? '✓' : '✗'}</span> <b>${esc(c.description)}</b> — ${esc(c.detail)}</li>`,
  );
  return `<section><h2>Exit criteria</h2><ul class="criteria">${items.join('')}</ul></section>`;
}

async function paritySection(report: ParityReport, plots: readonly PlotSpec[], named: boolean): Promise<string> {
  const figures: string[] = [];
  for (const plot of plots) {
    figures.push(`<figure id="${esc(plot.id)}"><figcaption><b>${esc(plot.title)}</b><br>${esc(plot.caption)}</figcaption>${await renderSvg(plot.spec)}</figure>`);
  }
  const skipped = report.cases.filter((c) => c.verdict === 'skipped');
  return `<section class="parity">
<h2>Parity${named ? `: ${esc(report.experiment)}` : ''} ${badge(report.summary.verdict)}</h2>
<dl class="context">${reportContext(report).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
${matrix(report)}
<p class="note">Each cell: the verdict and the worst max |backend − reference| of that stage.</p>
${skipped.length ? `<ul class="skipped">${skipped.map((c) => `<li>${esc(c.id)} skipped: ${esc(c.reason ?? 'no reason given')}</li>`).join('')}</ul>` : ''}
${figures.length ? `<div class="plots">${figures.join('\n')}</div>` : '<p class="note">No plots: no stage compared numbers.</p>'}
${problemCases(report).map(caseBlock).join('\n')}
</section>`;
}

/** The verdict matrix, each cell coloured by its verdict so a failure is found without reading. */
function matrix(report: ParityReport): string {
  const table = verdictTable(report);
  const head = `<tr>${table.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = table.rows.map((row) => {
    const backend = row[0];
    const cells = row.slice(1).map((text, i) => {
      const stage = table.headers[i + 1];
      const c = report.cases.find((x) => x.backend === backend && x.stage === stage);
      return `<td class="cell ${c?.verdict ?? 'none'}">${esc(text)}</td>`;
    });
    return `<tr><th>${esc(backend)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="matrix">${head}${body.join('')}</table>`;
}

function caseBlock(c: ParityReport['cases'][number]): string {
  const parts = [`<details class="case ${c.verdict}" open><summary>${esc(c.id)} ${badge(c.verdict)}</summary>`];
  if (c.reason) parts.push(`<p>${esc(c.reason)}</p>`);
  parts.push(`<p class="note">Tolerance: ${esc(toleranceLine(c))}.</p>`);
  if (c.tensors.length) parts.push(htmlTable(tensorTable(c), (row) => (row[2] === 'fail' ? 'fail' : '')));
  const trajectory = trajectorySentence(c);
  if (trajectory) parts.push(`<p>${esc(trajectory)}</p>`);
  if (c.firstDivergence) {
    const d = divergenceSummary(c.firstDivergence);
    parts.push(`<div class="divergence"><p><b>${esc(d.headline)}</b></p><p class="note">Method: ${esc(d.method)}.</p>`);
    if (d.values) parts.push(htmlTable(d.values, (row) => (row[3] === 'no' ? 'fail' : '')));
    parts.push('</div>');
  }
  parts.push('</details>');
  return parts.join('\n');
}

function testsSection(files: readonly TestFileResult[]): string {
  const blocks = files.map((f) => {
    const counts = countStatuses(f);
    // A selector that ran no test fails its criterion (specs/archive-and-plans.md §4.3), so it is drawn as failing.
    const verdict: Verdict = f.error || counts.failed || !counts.passed ? 'fail' : 'pass';
    const rows = f.tests.map((t) => [t.name, t.status, `${Math.round(t.durationMs)} ms`, t.failure?.split('\n')[0] ?? '']);
    return `<details class="case ${verdict}" ${verdict === 'pass' ? '' : 'open'}><summary>${esc(f.file)}${f.filter ? ` <code>-t "${esc(f.filter)}"</code>` : ''} ${badge(verdict)}
<span class="note">${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped</span></summary>
${f.error ? `<p class="fail">vitest failed before reporting results: ${esc(f.error)}</p>` : ''}
${!f.error && counts.passed + counts.failed === 0 ? '<p class="fail">No test ran: the filter selects no test of this file.</p>' : ''}
${rows.length ? htmlTable({ headers: ['test', 'status', 'time', 'failure'], rows }, (row) => (row[1] === 'failed' ? 'fail' : '')) : ''}
</details>`;
  });
  return `<section><h2>Tests</h2>${blocks.join('\n')}</section>`;
}

function htmlTable(table: Table, rowClass: (row: readonly string[]) => string): string {
  const head = `<tr>${table.headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = table.rows.map((r) => `<tr class="${rowClass(r)}">${r.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`);
  return `<div class="scroll"><table class="data">${head}${body.join('')}</table></div>`;
}

function badge(verdict: Verdict, size = ''): string {
  return `<span class="badge ${verdict} ${size}">${esc(VERDICT_MARK[verdict])}</span>`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
