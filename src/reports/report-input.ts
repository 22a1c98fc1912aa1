import type { ParityReport } from '../parity/report.ts';

/**
 * What the renderers draw (spec: specs/parity-report.md §2): parity reports from the engine, vitest results, and,
 * for a plan phase, its exit criteria. `tandem report render` fills only `parity`; `tandem plan run` fills all.
 */
export interface ReportInput {
  /** "quickstart", or "<INITIATIVE> / <phase>" for a plan phase. */
  readonly title: string;
  readonly verdict: 'pass' | 'fail' | 'error';
  /** Label/value lines under the title: plan file, git commit, config hash… */
  readonly context: readonly (readonly [string, string])[];
  readonly criteria: readonly CriterionLine[];
  readonly parity: readonly ParityReport[];
  readonly tests: readonly TestFileResult[];
}

export interface CriterionLine {
  readonly description: string;
  readonly passed: boolean;
  readonly detail: string;
}

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'todo';

export interface TestCaseResult {
  /** Full name, describe blocks joined by " > ". */
  readonly name: string;
  readonly status: TestStatus;
  readonly durationMs: number;
  /** First failure message, for failed tests. */
  readonly failure?: string;
}

/** One vitest selector's run: a test file and the `-t` filter it ran with. */
export interface TestFileResult {
  readonly file: string;
  readonly filter?: string;
  readonly tests: readonly TestCaseResult[];
  /** Set when vitest itself failed (the file did not load, vitest crashed): no test results exist then. */
  readonly error?: string;
}

/** A parity report alone, as `tandem report render` shows one. */
export function parityOnlyInput(report: ParityReport): ReportInput {
  return {
    title: report.experiment,
    verdict: report.summary.verdict,
    context: [],
    criteria: [],
    parity: [report],
    tests: [],
  };
}

/** Tests by outcome; `todo` counts as skipped. */
export function countStatuses(f: TestFileResult): { passed: number; failed: number; skipped: number } {
  const n = (s: TestStatus) => f.tests.filter((t) => t.status === s).length;
  return { passed: n('passed'), failed: n('failed'), skipped: n('skipped') + n('todo') };
}
