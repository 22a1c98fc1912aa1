import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { declareReportFiles } from '../report-files.ts';
import type { PlotSpec } from '../../contracts/plot-spec.ts';
import { renderSvg } from '../plots/vega-svg.ts';

export const RUN_PLOTS_DIR = 'plots';
export const RUN_REPORT_FILE = 'report.html';

/**
 * Writes a run's plots as `<runDir>/plots/<id>.svg` (plus the vega-lite JSON, which re-renders it) and a
 * `report.html` that shows them with their captions and the metrics table. Returns the report path.
 */
export async function writeRunReport(runDir: string, title: string, metrics: readonly (readonly [string, string])[], plots: readonly PlotSpec[]): Promise<string> {
  const dir = join(runDir, RUN_PLOTS_DIR);
  mkdirSync(dir, { recursive: true });
  const figures: string[] = [];
  for (const p of plots) {
    const svg = await renderSvg(p.spec);
    writeFileSync(join(dir, `${p.id}.svg`), svg);
    writeFileSync(join(dir, `${p.id}.vl.json`), `${JSON.stringify(p.spec)}\n`);
    figures.push(`<figure><h2>${escape(p.title)}</h2><img src="${RUN_PLOTS_DIR}/${p.id}.svg" alt="${escape(p.title)}"><figcaption>${escape(p.caption)}</figcaption></figure>`);
  }
  const rows = metrics.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}figure{margin:1.5em 0}img{max-width:100%}figcaption{color:#555}</style>
</head><body><h1>${escape(title)}</h1><table>${rows}</table>${figures.join('\n')}</body></html>\n`;
  const path = join(runDir, RUN_REPORT_FILE);
  writeFileAtomic(path, html);
  declareReportFiles(runDir, RUN_REPORT_FILE, RUN_PLOTS_DIR);
  return path;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
