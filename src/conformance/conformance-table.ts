import { OPS_WITHOUT_NODE_TESTS, type Exclusion } from './exclusions.ts';
import type { ConformanceRow } from './run-conformance.ts';

/**
 * One backend's conformance result judged against its exclusion list. `expected`: a non-passing test listed
 * with that exact status; `unexpected`: any other non-pass (a regression, or an exclusion with the wrong status);
 * `stale`: a listed backend gap that now passes (the list should shrink).
 */
export interface BackendConformance {
  readonly backend: string;
  readonly rows: readonly ConformanceRow[];
  readonly expected: readonly ConformanceRow[];
  readonly unexpected: readonly ConformanceRow[];
  readonly stale: readonly string[];
}

export function judgeConformance(backend: string, rows: readonly ConformanceRow[], excluded: ReadonlyMap<string, Exclusion>, gaps: ReadonlyMap<string, Exclusion>): BackendConformance {
  const notPassing = rows.filter((r) => r.status !== 'pass');
  const byTest = new Map(rows.map((r) => [r.test, r]));
  return {
    backend,
    rows,
    expected: notPassing.filter((r) => excluded.get(r.test)?.status === r.status),
    unexpected: notPassing.filter((r) => excluded.get(r.test)?.status !== r.status),
    stale: [...gaps.keys()].filter((t) => byTest.get(t)?.status === 'pass'),
  };
}

/**
 * The per-op table: one row per op, one column per backend, each cell `passed/tests`, then how many of the
 * rest are expected (refused by design or a listed gap) and, marked with `!`, how many are not. Ops of the set
 * that the data has no test for are named below the table, with where they are checked instead.
 */
export function formatConformanceTable(results: readonly BackendConformance[]): string {
  const ops = [...new Set(results.flatMap((r) => r.rows.map((row) => row.op)))].sort((a, b) => a.localeCompare(b));
  const cell = (r: BackendConformance, op: string): string => {
    const rows = r.rows.filter((row) => row.op === op);
    const pass = rows.filter((row) => row.status === 'pass').length;
    const expected = r.expected.filter((row) => row.op === op).length;
    const unexpected = r.unexpected.filter((row) => row.op === op).length;
    return `${pass}/${rows.length}${expected ? ` (${expected} expected)` : ''}${unexpected ? ` !${unexpected}` : ''}`;
  };
  const header = ['op', ...results.map((r) => r.backend)];
  const body = ops.map((op) => [op, ...results.map((r) => cell(r, op))]);
  const totals = ['total', ...results.map((r) => `${r.rows.filter((row) => row.status === 'pass').length}/${r.rows.length}${r.expected.length ? ` (${r.expected.length} expected)` : ''}${r.unexpected.length ? ` !${r.unexpected.length}` : ''}`)];
  const table = [header, ...body, totals];
  const widths = header.map((_, k) => Math.max(...table.map((row) => row[k].length)));
  const line = (row: string[]) => row.map((c, k) => c.padEnd(widths[k])).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), widths.map((w) => '-'.repeat(w)).join('  '), line(totals)];
  for (const [op, why] of Object.entries(OPS_WITHOUT_NODE_TESTS)) out.push(`${op}: no official node test in this ONNX's test data: ${why}`);
  for (const r of results) {
    for (const row of r.unexpected) out.push(`! ${r.backend} ${row.test}: ${row.status}: ${row.reason.split('\n')[0]}`);
    for (const t of r.stale) out.push(`! ${r.backend} ${t}: listed as a gap but passes; remove it from the backend's node-test gaps (its capabilities().nodeTestGaps)`);
  }
  return `${out.join('\n')}\n`;
}
