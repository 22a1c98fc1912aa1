import type { ParityCase, StageName, Verdict } from '../../parity/report.ts';
import type { ExportCheck } from './export-check.ts';

/**
 * What `tandem zoo` found (`zoo.json`, and `tandem zoo --json`): one row per model. A row's `status` is `pass`
 * when every stage passed on every backend, `fail` when a stage failed or errored, `refused` when tandem turned
 * the model away before training (an unsupported op, a shape computed from values: the importer's message),
 * `export-failed` when torch.onnx.export itself could not export it, and `error` when something else broke (the
 * message; the zoo goes on with the next model).
 */
export const ZOO_SCHEMA = 'tandem.zoo/1';

export type ZooStatus = 'pass' | 'fail' | 'refused' | 'export-failed' | 'error';

/** A case worth a line under the table: a failure or error with its reason, or a pass the float64 arbiter decided. */
export interface ZooCaseNote {
  readonly id: string;
  readonly verdict: Verdict;
  readonly reason?: string;
  readonly firstDivergence?: string;
  readonly notes?: readonly string[];
}

export interface ZooRow {
  readonly model: string;
  readonly what: string;
  readonly parameters?: number;
  readonly status: ZooStatus;
  /** backend → tandem's forward against the torch module's own output (export-check.ts); empty for a refused model. */
  readonly export: Readonly<Record<string, ExportCheck>>;
  /** stage → backend → verdict; empty for a refused model. */
  readonly stages: Partial<Record<StageName, Record<string, Verdict>>>;
  /** The refusal or export error, for a model that never reached the stages. */
  readonly message?: string;
  readonly cases: readonly ZooCaseNote[];
  /** The model's parity.json (its run directory holds parity.md and report.html too). */
  readonly report?: string;
  readonly seconds: number;
}

export interface ZooReport {
  readonly schema: typeof ZOO_SCHEMA;
  readonly torch: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly out: string;
  readonly models: readonly ZooRow[];
  readonly summary: { readonly verdict: 'pass' | 'fail'; readonly passed: number; readonly models: number; readonly seconds: number };
}

/** A row from the export check and a finished parity run's cases. */
export function rowFromCases(head: Pick<ZooRow, 'model' | 'what' | 'parameters'>, exported: Record<string, ExportCheck>, cases: readonly ParityCase[], report: string, seconds: number): ZooRow {
  const stages: Partial<Record<StageName, Record<string, Verdict>>> = {};
  for (const c of cases) (stages[c.stage] ??= {})[c.backend] = c.verdict;
  const bad = (c: ParityCase) => c.verdict === 'fail' || c.verdict === 'error';
  const notes = cases
    .filter((c) => bad(c) || (c.notes?.length ?? 0) > 0)
    .map((c) => ({
      id: c.id,
      verdict: c.verdict,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.firstDivergence ? { firstDivergence: c.firstDivergence.message } : {}),
      ...(c.notes?.length ? { notes: c.notes } : {}),
    }));
  const exportPassed = Object.values(exported).every((c) => c.verdict === 'pass');
  const status = exportPassed && cases.length > 0 && !cases.some(bad) ? 'pass' : 'fail';
  return { ...head, status, export: exported, stages, cases: notes, report, seconds };
}
