import { fromJsonFloat, type JsonFloat, type ParityCase, type Verdict } from '../parity/report.ts';

/**
 * Number and verdict formatting shared by parity.md, report.html and `tandem report show`, so the three never
 * disagree on how an error reads.
 */

/**
 * `digits` significant digits (3: errors need their magnitude, not their tail), exponent form below 1e-3 or
 * above 1e4 (errors span 1e-12 … 1e3), no trailing zeros.
 */
export function formatNumber(x: JsonFloat | number, digits = 3): string {
  const n = typeof x === 'number' ? x : fromJsonFloat(x);
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const abs = Math.abs(n);
  const rounded = Number(n.toPrecision(digits));
  return abs < 1e-3 || abs >= 1e4 ? rounded.toExponential() : String(rounded);
}

export const VERDICT_MARK: Record<Verdict, string> = { pass: '✓ pass', fail: '✗ FAIL', error: '! ERROR', skipped: '– skipped' };

/**
 * The worst error a case saw, as one number: the largest max |actual − expected| over its compared tensors, or
 * over the trajectory's per-step loss differences. undefined when nothing numeric was compared (an error or a
 * skipped case, a shape mismatch).
 */
export function worstAbsError(c: ParityCase): number | undefined {
  const values: number[] = c.tensors.flatMap((t) => (t.metrics ? [fromJsonFloat(t.metrics.maxAbs)] : []));
  for (const point of c.trajectory?.steps ?? []) values.push(fromJsonFloat(point.absDiff));
  if (values.length === 0) return undefined;
  // NaN must win: a NaN error is the worst there is, and Math.max already propagates it.
  return Math.max(...values);
}

/** One cell of the backends × stages table: the verdict and, when there is one, the worst error. */
export function verdictCell(c: ParityCase | undefined): string {
  if (!c) return '·';
  const worst = worstAbsError(c);
  return worst === undefined ? VERDICT_MARK[c.verdict] : `${VERDICT_MARK[c.verdict]} (${formatNumber(worst)})`;
}

/** The backends of a report in the order they appear in its cases. */
export function backendsOf(cases: readonly ParityCase[]): string[] {
  return [...new Set(cases.map((c) => c.backend))];
}
