// spec: specs/archive-and-plans.md §4.3 (exit criteria; an empty selection never passes)
import { describe, expect, it } from 'vitest';
import { evaluateCriteria } from '../../src/orchestrator/plans/exit-criteria.ts';
import { phaseSchema } from '../../src/orchestrator/plans/plan-schema.ts';
import { fixtureReport, passingReport } from '../reports/parity-fixture.ts';

const phase = (exit_criteria: unknown, vitest: unknown[] = []) =>
  phaseSchema.parse({ id: 'p', title: 't', selectors: { parity: [{ config: 'conf/quickstart.yaml', cases: ['quickstart/*/*'] }], vitest }, exit_criteria });

describe('exit criteria', () => {
  it('all parity cases pass: fails on a fail and on a skip, naming them', () => {
    const [line] = evaluateCriteria(phase({}), { parity: [fixtureReport()], parityErrors: [], tests: [] });
    expect(line).toStrictEqual({
      description: 'every selected parity case passes',
      passed: false,
      detail: '10 of 13 pass; quickstart/tfjs/gradients fail, quickstart/tfjs/trajectory fail, quickstart/tfjs/eval skipped',
    });
    expect(evaluateCriteria(phase({}), { parity: [passingReport()], parityErrors: [], tests: [] })[0]).toMatchObject({ passed: true, detail: '12 of 12 pass' });
  });

  it('nothing selected, or an engine that could not run, never passes', () => {
    const empty = { ...passingReport(), cases: [] };
    expect(evaluateCriteria(phase({}), { parity: [empty], parityErrors: [], tests: [] })[0]).toMatchObject({ passed: false, detail: 'the selectors matched no case' });
    expect(evaluateCriteria(phase({}), { parity: [], parityErrors: ['conf/quickstart.yaml: torch is missing'], tests: [] })[0]).toMatchObject({
      passed: false,
      detail: 'parity could not run: conf/quickstart.yaml: torch is missing',
    });
  });

  it('max_error bounds the worst error of the matching cases', () => {
    const criteria = { parity_cases_pass: false, max_error: [{ cases: '*/onnxruntime/*', below: 1e-6 }, { cases: '*/tfjs/{forward,gradients}', below: 1e-6 }, { cases: '*/torch/*', below: 1 }] };
    const lines = evaluateCriteria(phase(criteria), { parity: [fixtureReport()], parityErrors: [], tests: [] });
    expect(lines).toStrictEqual([
      { description: 'the worst error of */onnxruntime/* stays below 1e-6', passed: true, detail: 'worst 2e-7 over 6 case(s)' },
      { description: 'the worst error of */tfjs/{forward,gradients} stays below 1e-6', passed: false, detail: 'quickstart/tfjs/gradients 0.0042' },
      { description: 'the worst error of */torch/* stays below 1', passed: false, detail: 'no selected case matches' },
    ]);
  });

  it('trajectory_holds needs the first divergent step after N, and N steps run', () => {
    const criteria = { parity_cases_pass: false, trajectory_holds: [{ cases: '*/*/trajectory', steps: 5 }, { cases: '*/*/trajectory', steps: 7 }, { cases: '*/onnxruntime/*', steps: 30 }] };
    const lines = evaluateCriteria(phase(criteria), { parity: [fixtureReport()], parityErrors: [], tests: [] });
    expect(lines.map((l) => [l.passed, l.detail])).toStrictEqual([
      [true, '2 trajectory case(s) hold'],
      [false, 'quickstart/tfjs/trajectory diverges at step 7'],
      [false, 'quickstart/onnxruntime/trajectory ran only 20 steps'],
    ]);
  });

  it('tests pass: a failure, a broken file, or a filter that ran nothing fails it', () => {
    const p = phase({ parity_cases_pass: false }, [{ file: 'tests/a.test.ts' }]);
    const run = (tests: Parameters<typeof evaluateCriteria>[1]['tests']) => evaluateCriteria(p, { parity: [], parityErrors: [], tests })[0];
    expect(run([{ file: 'tests/a.test.ts', tests: [{ name: 'x', status: 'passed', durationMs: 1 }] }])).toMatchObject({ passed: true, detail: '1 passed, 0 failed, 0 skipped' });
    expect(run([{ file: 'tests/a.test.ts', tests: [{ name: 'x', status: 'failed', durationMs: 1 }] }])).toMatchObject({ passed: false, detail: '0 passed, 1 failed, 0 skipped; failing: x' });
    expect(run([{ file: 'tests/a.test.ts', filter: 'nothing', tests: [{ name: 'x', status: 'skipped', durationMs: 0 }] }])).toMatchObject({
      passed: false,
      detail: '0 passed, 0 failed, 1 skipped; no test ran for tests/a.test.ts -t "nothing"',
    });
    expect(run([{ file: 'tests/a.test.ts', tests: [], error: 'the test file tests/a.test.ts does not exist' }])).toMatchObject({ passed: false });
  });
});
