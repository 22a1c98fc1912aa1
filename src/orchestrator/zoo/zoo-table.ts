import { STAGES, type Verdict } from '../../parity/report.ts';
import { textTable } from '../../util/text-table.ts';
import type { ZooReport, ZooRow } from './zoo-report.ts';

const SHORT: Readonly<Record<string, string>> = { onnxruntime: 'ort' };

/**
 * The zoo's terminal table: a row per model, a column for the export check (tandem's forward against the torch
 * module's own output) and one per parity stage. A cell is `pass` when every backend
 * passed; otherwise it names what did not (`FAIL tfjs`, `ERROR ort`); `–` where the model never got there.
 * Under the table, per model, the refusal or export error, every failed case's reason and first divergence,
 * and the passes the float64 arbiter or the noise-level gradient rule decided, with their measured numbers.
 */
export function zooTable(report: ZooReport): string {
  const { settings } = report;
  const header = ['model', 'parameters', 'export', ...STAGES, 'result'];
  const verdicts = (checks: ZooRow['export']) => (Object.keys(checks).length ? Object.fromEntries(Object.entries(checks).map(([b, c]) => [b, c.verdict])) : undefined);
  const rows = report.models.map((r) => [r.model, r.parameters?.toLocaleString('en-US') ?? '', cell(verdicts(r.export)), ...STAGES.map((s) => cell(r.stages[s])), r.status]);
  const out = [
    `tandem zoo: ${report.models.length} model(s) exported by torch ${report.torch}, parity of ${(settings.backends as string[]).join(' and ')} against live torch ` +
      `(batch ${String(settings.batchSize)}, ${String(settings.trajectorySteps)} trajectory steps)`,
    textTable(header, rows),
  ];
  for (const r of report.models) out.push(...details(r));
  const { summary } = report;
  out.push(`${summary.verdict.toUpperCase()}: ${summary.passed}/${summary.models} model(s) pass every stage (${summary.seconds.toFixed(1)} s); reports under ${report.out}`);
  return `${out.join('\n')}\n`;
}

function cell(byBackend: Record<string, Verdict> | undefined): string {
  if (!byBackend) return '–';
  const entries = Object.entries(byBackend);
  if (entries.every(([, v]) => v === 'pass')) return 'pass';
  if (entries.every(([, v]) => v === 'skipped')) return '·';
  return entries
    .filter(([, v]) => v === 'fail' || v === 'error')
    .map(([b, v]) => `${v.toUpperCase()} ${SHORT[b] ?? b}`)
    .join(', ');
}

/**
 * Notes shown per failed case, and per passing one (the arbiter's passes); the rest are counted. A deep convnet's
 * arbiter notes run to a hundred lines per case (one per tensor), which would bury the table; zoo.json and the
 * model's parity.md keep every one.
 */
const NOTES_SHOWN = { failed: 4, passed: 1 } as const;

function shown(notes: readonly string[], limit: number, r: ZooRow): string[] {
  if (notes.length <= limit) return [...notes];
  return [...notes.slice(0, limit), `… and ${notes.length - limit} more (zoo.json; ${r.report?.replace(/parity\.json$/, 'parity.md') ?? 'the parity report'})`];
}

function details(r: ZooRow): string[] {
  const lines: string[] = [];
  if (r.message) lines.push(`${r.status.toUpperCase()} ${r.model}: ${r.message}`);
  for (const [backend, c] of Object.entries(r.export)) if (c.problem) lines.push(`${c.verdict.toUpperCase()} ${r.model}/${backend}/export: ${c.problem}`);
  for (const c of r.cases) {
    if (c.verdict === 'fail' || c.verdict === 'error') {
      lines.push(`${c.verdict.toUpperCase()} ${c.id}: ${c.reason ?? ''}`);
      if (c.firstDivergence) lines.push(`  first divergence: ${c.firstDivergence}`);
      for (const n of shown(c.notes ?? [], NOTES_SHOWN.failed, r)) lines.push(`  ${n}`);
    } else {
      for (const n of shown(c.notes ?? [], NOTES_SHOWN.passed, r)) lines.push(`${c.id}: ${n}`);
    }
  }
  return lines;
}
