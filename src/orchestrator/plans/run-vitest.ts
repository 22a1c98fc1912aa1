import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { TestCaseResult, TestFileResult, TestStatus } from '../../reports/report-input.ts';

/**
 * Run one vitest selector of a plan phase as its own process (`npx vitest run <file> -t <filter>
 * --reporter=json`), so a crashing test file cannot take the plan runner down, and read vitest's JSON report
 * (spec: specs/archive-and-plans.md §4.2).
 */
export interface VitestRun {
  readonly result: TestFileResult;
  /** vitest's JSON report as written, for the archive. */
  readonly json: string | undefined;
  /** stdout and stderr, for the archive's logs. */
  readonly log: string;
}

/** The slice of vitest's JSON reporter (jest-compatible) that we read. */
interface VitestJson {
  testResults: { name: string; message?: string; assertionResults: { ancestorTitles: string[]; title: string; status: string; duration?: number | null; failureMessages: string[] }[] }[];
}

export async function runVitest(file: string, filter: string | undefined, cwd: string): Promise<VitestRun> {
  if (!existsSync(join(cwd, file))) {
    return { result: { file, filter, tests: [], error: `the test file ${file} does not exist (paths are relative to ${cwd})` }, json: undefined, log: '' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tandem-vitest-'));
  const outputFile = join(dir, 'report.json');
  try {
    const args = ['vitest', 'run', file, ...(filter ? ['-t', filter] : []), '--reporter=json', `--outputFile=${outputFile}`];
    const run = await execa('npx', args, { cwd, reject: false, all: true });
    const log = `$ npx ${args.join(' ')}\n${run.all ?? ''}\nexit code ${run.exitCode}\n`;
    if (!existsSync(outputFile)) return { result: { file, filter, tests: [], error: `vitest exited with code ${run.exitCode} without a report; see the log` }, json: undefined, log };
    const json = readFileSync(outputFile, 'utf8');
    return { result: toResult(JSON.parse(json) as VitestJson, file, filter), json, log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function toResult(report: VitestJson, file: string, filter: string | undefined): TestFileResult {
  // vitest marks tests that `-t` filtered out as skipped; they were never selected, so they are not listed.
  const selectedBy = filter ? new RegExp(filter) : undefined;
  const tests: TestCaseResult[] = [];
  const loadErrors: string[] = [];
  for (const suite of report.testResults) {
    if (suite.assertionResults.length === 0 && suite.message) loadErrors.push(suite.message.split('\n')[0]);
    for (const a of suite.assertionResults) {
      const fullName = [...a.ancestorTitles, a.title].join(' ');
      if (selectedBy && !selectedBy.test(fullName)) continue;
      const status = toStatus(a.status);
      tests.push({
        name: [...a.ancestorTitles, a.title].join(' > '),
        status,
        durationMs: a.duration ?? 0,
        ...(status === 'failed' && a.failureMessages.length ? { failure: a.failureMessages[0] } : {}),
      });
    }
  }
  return { file, filter, tests, ...(loadErrors.length ? { error: loadErrors.join('; ') } : {}) };
}

function toStatus(status: string): TestStatus {
  if (status === 'passed' || status === 'failed') return status;
  return status === 'todo' ? 'todo' : 'skipped';
}
