import { fromJsonFloat, type ParityCase } from '../../parity/report.ts';
import { entryParityReports, entryTests } from './entry-evidence.ts';
import type { ArchiveEntry } from './read-archive.ts';

/**
 * What changed between two archive entries (spec: specs/archive-and-plans.md §3.3): provenance, case verdicts,
 * per-tensor metrics, trajectory divergence and test outcomes. Parity is deterministic for a fixed config, commit
 * and versions, so any metric that differs at all is listed, with its ratio b/a.
 */
export interface Change<T> {
  readonly what: string;
  readonly a: T;
  readonly b: T;
}

export interface EntryDiff {
  readonly provenance: Change<string>[];
  /** Case verdicts, `absent` where one side did not run the case. */
  readonly verdicts: Change<string>[];
  readonly metrics: (Change<number> & { readonly ratio: number })[];
  readonly tests: Change<string>[];
}

const METRICS = ['maxAbs', 'maxRel', 'relL2'] as const;

export function diffEntries(a: ArchiveEntry, b: ArchiveEntry): EntryDiff {
  return { provenance: provenanceChanges(a, b), ...caseChanges(cases(a), cases(b)), tests: testChanges(a, b) };
}

export function isEmptyDiff(d: EntryDiff): boolean {
  return d.provenance.length + d.verdicts.length + d.metrics.length + d.tests.length === 0;
}

function provenanceChanges(a: ArchiveEntry, b: ArchiveEntry): Change<string>[] {
  const facts = (e: ArchiveEntry): Record<string, string> => {
    const m = e.manifest;
    const out: Record<string, string> = { verdict: m.verdict, 'git commit': m.git.commit ?? 'none', initiative: `${m.initiative}/${m.phase}` };
    for (const c of m.configs) out[`config ${c.file}`] = `${c.hash.slice(0, 12)} ${c.overrides.join(' ')}`.trim();
    for (const [tool, version] of Object.entries(m.versions)) out[`version ${tool}`] = version ?? 'unknown';
    for (const c of m.criteria) out[`criterion "${c.description}"`] = c.passed ? 'passed' : 'failed';
    return out;
  };
  return changes(facts(a), facts(b), 'absent');
}

/** Cases by id; with several parity reports (parity-1.json, …) the id is prefixed `<n>:` so groups never mix. */
function cases(entry: ArchiveEntry): Map<string, ParityCase> {
  const reports = entryParityReports(entry);
  return new Map(reports.flatMap((r, i) => r.cases.map((c) => [reports.length > 1 ? `${i + 1}:${c.id}` : c.id, c] as const)));
}

function caseChanges(a: Map<string, ParityCase>, b: Map<string, ParityCase>): Pick<EntryDiff, 'verdicts' | 'metrics'> {
  // A trajectory's first divergent step reads like a verdict (none → 7), so it is listed with them.
  const outcome = (m: Map<string, ParityCase>) =>
    Object.fromEntries(
      [...m].flatMap(([id, c]) => [
        [id, c.verdict],
        ...(c.trajectory ? [[`${id} first divergent step`, String(c.trajectory.firstDivergentStep ?? 'none')]] : []),
      ]),
    );
  const verdicts = changes(outcome(a), outcome(b), 'absent');
  const metrics: EntryDiff['metrics'] = [];
  for (const [id, ca] of a) {
    const cb = b.get(id);
    if (!cb) continue;
    for (const ta of ca.tensors) {
      const tb = cb.tensors.find((t) => t.name === ta.name && t.role === ta.role);
      if (!ta.metrics || !tb?.metrics) continue;
      for (const metric of METRICS) pushNumber(metrics, `${id} ${ta.name} ${metric}`, fromJsonFloat(ta.metrics[metric]), fromJsonFloat(tb.metrics[metric]));
    }
  }
  return { verdicts, metrics };
}

function testChanges(a: ArchiveEntry, b: ArchiveEntry): Change<string>[] {
  const statuses = (e: ArchiveEntry) => Object.fromEntries(entryTests(e).flatMap((f) => f.tests.map((t) => [`${f.file} > ${t.name}`, t.status])));
  return changes(statuses(a), statuses(b), 'absent');
}

function changes(a: Record<string, string>, b: Record<string, string>, missing: string): Change<string>[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => a[k] !== b[k]).map((k) => ({ what: k, a: a[k] ?? missing, b: b[k] ?? missing }));
}

/** NaN equals NaN here: a metric that was NaN and still is has not changed. */
function pushNumber(out: EntryDiff['metrics'], what: string, a: number, b: number): void {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return;
  out.push({ what, a, b, ratio: a === 0 ? Number.POSITIVE_INFINITY : b / a });
}
