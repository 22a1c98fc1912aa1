import type { ParityCase, ParityReport } from '../../parity/report.ts';
import { parseSelector } from '../../parity/selectors.ts';
import { formatNumber, worstAbsError } from '../../reports/format.ts';
import { countStatuses, type CriterionLine, type TestFileResult } from '../../reports/report-input.ts';
import type { Phase } from './plan-schema.ts';

/**
 * Decide a phase's exit criteria from its evidence (spec: specs/archive-and-plans.md §4.3). Nothing selected
 * never passes: a selector that matches no case, or a filter that runs no test, is a failed criterion, because
 * an empty selection is almost always a typo that would otherwise turn a phase green.
 */
export interface PhaseEvidence {
  readonly parity: readonly ParityReport[];
  /** Parity groups that could not run at all: the message of what stopped each one. */
  readonly parityErrors: readonly string[];
  readonly tests: readonly TestFileResult[];
}

export function evaluateCriteria(phase: Phase, evidence: PhaseEvidence): CriterionLine[] {
  const criteria = phase.exit_criteria;
  const cases = evidence.parity.flatMap((r) => r.cases);
  const lines: CriterionLine[] = [];
  if (phase.selectors.parity.length && criteria.parity_cases_pass) lines.push(parityPass(cases, evidence.parityErrors));
  if (phase.selectors.vitest.length && criteria.tests_pass) lines.push(testsPass(evidence.tests));
  for (const c of criteria.max_error) lines.push(maxError(c.cases, c.below, cases));
  for (const c of criteria.trajectory_holds) lines.push(trajectoryHolds(c.cases, c.steps, cases));
  return lines;
}

function parityPass(cases: readonly ParityCase[], errors: readonly string[]): CriterionLine {
  const description = 'every selected parity case passes';
  if (errors.length) return { description, passed: false, detail: `parity could not run: ${errors.join('; ')}` };
  if (cases.length === 0) return { description, passed: false, detail: 'the selectors matched no case' };
  const notPassed = cases.filter((c) => c.verdict !== 'pass');
  if (notPassed.length === 0) return { description, passed: true, detail: `${cases.length} of ${cases.length} pass` };
  const listed = notPassed.slice(0, 6).map((c) => `${c.id} ${c.verdict}`).join(', ');
  return { description, passed: false, detail: `${cases.length - notPassed.length} of ${cases.length} pass; ${listed}${notPassed.length > 6 ? ', …' : ''}` };
}

function testsPass(files: readonly TestFileResult[]): CriterionLine {
  const description = 'every selected test passes';
  const broken = files.filter((f) => f.error);
  if (broken.length) return { description, passed: false, detail: broken.map((f) => `${f.file}: ${f.error}`).join('; ') };
  const totals = files.map(countStatuses).reduce((a, b) => ({ passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped }), { passed: 0, failed: 0, skipped: 0 });
  const failed = files.flatMap((f) => f.tests.filter((t) => t.status === 'failed').map((t) => t.name));
  const empty = files.filter((f) => countStatuses(f).passed + countStatuses(f).failed === 0);
  const counts = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
  if (failed.length) return { description, passed: false, detail: `${counts}; failing: ${failed.slice(0, 5).join('; ')}${failed.length > 5 ? '; …' : ''}` };
  if (empty.length) return { description, passed: false, detail: `${counts}; no test ran for ${empty.map((f) => `${f.file}${f.filter ? ` -t "${f.filter}"` : ''}`).join(', ')}` };
  return { description, passed: true, detail: counts };
}

function maxError(selector: string, below: number, cases: readonly ParityCase[]): CriterionLine {
  const description = `the worst error of ${selector} stays below ${formatNumber(below)}`;
  const matching = cases.filter((c) => parseSelector(selector).matches(c.id));
  if (matching.length === 0) return { description, passed: false, detail: 'no selected case matches' };
  const offenders = matching.flatMap((c) => {
    const worst = worstAbsError(c);
    if (worst === undefined) return [`${c.id} compared no numbers (${c.verdict})`];
    return worst < below ? [] : [`${c.id} ${formatNumber(worst)}`];
  });
  const worstOverall = Math.max(...matching.map((c) => worstAbsError(c) ?? Number.NaN));
  return offenders.length
    ? { description, passed: false, detail: offenders.join(', ') }
    : { description, passed: true, detail: `worst ${formatNumber(worstOverall)} over ${matching.length} case(s)` };
}

function trajectoryHolds(selector: string, steps: number, cases: readonly ParityCase[]): CriterionLine {
  const description = `the trajectory of ${selector} stays within tolerance for ${steps} steps`;
  const matching = cases.filter((c) => c.stage === 'trajectory' && parseSelector(selector).matches(c.id));
  if (matching.length === 0) return { description, passed: false, detail: 'no selected trajectory case matches' };
  const problems = matching.flatMap((c) => {
    const t = c.trajectory;
    if (!t) return [`${c.id} has no trajectory (${c.verdict}${c.reason ? `: ${c.reason}` : ''})`];
    if (t.firstDivergentStep !== null && t.firstDivergentStep <= steps) return [`${c.id} diverges at step ${t.firstDivergentStep}`];
    if (t.steps.length < steps) return [`${c.id} ran only ${t.steps.length} steps`];
    return [];
  });
  return problems.length ? { description, passed: false, detail: problems.join(', ') } : { description, passed: true, detail: `${matching.length} trajectory case(s) hold` };
}
