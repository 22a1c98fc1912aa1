import { parseParityReport, type ParityReport } from '../../parity/report.ts';
import { renderMarkdown } from '../../reports/parity-markdown.ts';
import { renderHtml } from '../../reports/report-html.ts';
import type { ReportInput, TestFileResult } from '../../reports/report-input.ts';
import { readEntryText, type ArchiveEntry } from './read-archive.ts';
import type { ArchiveFile } from './write-entry.ts';

/**
 * The files of an archive entry and their names, both ways (spec: specs/archive-and-plans.md §1):
 *
 *   parity.json            the engine's report (parity-1.json, parity-2.json… when a phase runs several configs)
 *   tests.json             the vitest results, normalized (TestFileResult[])
 *   parity.md, report.html the renderings of both
 *   plots/<id>.vl.json     each plot's vega-lite spec with its data, re-renderable without tandem
 *   config/<name>.yaml     each resolved experiment config
 *   logs/<name>.txt        what the parity engine and vitest printed (.txt: the repository ignores *.log)
 *   vitest/<n>.json        vitest's own JSON report per selector
 */
export interface Evidence {
  readonly input: ReportInput;
  readonly configs: readonly { readonly name: string; readonly yaml: string }[];
  readonly logs: readonly { readonly name: string; readonly text: string }[];
  readonly vitestJson: readonly (string | undefined)[];
}

export const PARITY_FILE = /^parity(?:-(\d+))?\.json$/;

export async function evidenceFiles(evidence: Evidence): Promise<ArchiveFile[]> {
  const { input } = evidence;
  const files: ArchiveFile[] = input.parity.map((report, i) => ({
    path: input.parity.length === 1 ? 'parity.json' : `parity-${i + 1}.json`,
    data: `${JSON.stringify(report, null, 2)}\n`,
  }));
  if (input.tests.length) files.push({ path: 'tests.json', data: `${JSON.stringify(input.tests, null, 2)}\n` });
  const { html, plots } = await renderHtml(input);
  files.push({ path: 'parity.md', data: renderMarkdown(input) }, { path: 'report.html', data: html });
  for (const plot of plots) files.push({ path: `plots/${plot.id}.vl.json`, data: `${JSON.stringify(plot.spec, null, 2)}\n` });
  for (const c of evidence.configs) files.push({ path: `config/${c.name}.yaml`, data: c.yaml });
  for (const log of evidence.logs) files.push({ path: `logs/${log.name}.txt`, data: log.text });
  evidence.vitestJson.forEach((json, i) => json !== undefined && files.push({ path: `vitest/${i + 1}.json`, data: json }));
  return files;
}

/** The parity reports of an entry, validated against the engine's schema, in file order. */
export function entryParityReports(entry: ArchiveEntry): ParityReport[] {
  return Object.keys(entry.manifest.files)
    .filter((path) => PARITY_FILE.test(path))
    .sort((a, b) => Number(PARITY_FILE.exec(a)?.[1] ?? 0) - Number(PARITY_FILE.exec(b)?.[1] ?? 0))
    .map((path) => parseParityReport(readEntryText(entry, path) ?? '', `${entry.dir}/${path}`));
}

export function entryTests(entry: ArchiveEntry): TestFileResult[] {
  const text = readEntryText(entry, 'tests.json');
  return text === undefined ? [] : (JSON.parse(text) as TestFileResult[]);
}
