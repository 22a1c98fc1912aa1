// spec: specs/archive-and-plans.md §4.1 (plan files: schema, layout, errors naming file and key)
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/orchestrator/errors.ts';
import { findPhase, loadPlan } from '../../src/orchestrator/plans/load-plan.ts';
import { thresholdOverrides } from '../../src/orchestrator/plans/run-phase.ts';
import { EXAMPLE_PLAN, writePlan } from './plan-files.ts';

const phase = (body: string) => `initiative: TEST-INITIATIVE\ntitle: t\nphases:\n${body}`;
const VITEST_PHASE = `  - id: one\n    title: first\n    selectors:\n      vitest:\n        - file: tests/util/suggest.test.ts\n`;

function errorOf(file: string): ConfigError {
  try {
    loadPlan(file);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error(`${file} loaded without an error`);
}

describe('loading a plan', () => {
  it('reads the shipped example: three phases, status from its directory, defaults filled in', () => {
    const plan = loadPlan(EXAMPLE_PLAN);
    expect(plan.status).toBe('active');
    expect(plan.document.phases.map((p) => p.id)).toStrictEqual(['ort-forward', 'ort-train', 'tfjs-port']);
    const port = findPhase(plan, 'tfjs-port');
    expect(port.selectors.parity[0]).toStrictEqual({ config: 'conf/quickstart.yaml', overrides: [], cases: ['quickstart/tfjs/*'] });
    expect(port.exit_criteria).toMatchObject({ parity_cases_pass: true, tests_pass: true, max_error: [] });
  });

  it('an unknown key names the file, line, column and key path, and the valid keys', () => {
    const file = writePlan(phase(`${VITEST_PHASE}    exit_criterion: {}\n`));
    const error = errorOf(file);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`${file}:9:5: unknown key 'exit_criterion' (key phases[0].exit_criterion).`);
    expect(error.message).toContain('exit_criteria');
  });

  it('a malformed selector names its key path', () => {
    const file = writePlan(phase(`  - id: one\n    title: first\n    selectors:\n      parity:\n        - config: conf/quickstart.yaml\n          cases: ["quickstart/tfjs"]\n`));
    expect(errorOf(file).message).toMatch(/:9:\d+: the selector "quickstart\/tfjs" must have three non-empty parts.* \(key phases\[0\]\.selectors\.parity\[0\]\.cases\[0\]\)/);
  });

  it('duplicate phase ids, a phase selecting nothing or deciding nothing, and a plan in the wrong directory are errors', () => {
    expect(errorOf(writePlan(phase(VITEST_PHASE + VITEST_PHASE))).message).toMatch(/phase id "one" is used twice \(phases\[0\] and phases\[1\]\) \(key phases\[1\]\.id\)/);
    expect(errorOf(writePlan(phase(`  - id: one\n    title: first\n    selectors: {}\n`))).message).toMatch(/phase "one" selects nothing \(key phases\[0\]\.selectors\)\. Add parity selectors/);
    expect(errorOf(writePlan(phase(`${VITEST_PHASE}    exit_criteria: { tests_pass: false }\n`))).message).toMatch(/phase "one" has no exit criterion left \(key phases\[0\]\.exit_criteria\)/);
    expect(errorOf(writePlan(phase(VITEST_PHASE), 'OTHER')).message).toMatch(/initiative is "TEST-INITIATIVE" but it lives in the directory "OTHER".*Move it to plans\/<status>\/TEST-INITIATIVE\/plan\.yaml/);
    expect(errorOf(writePlan(phase(VITEST_PHASE), 'TEST-INITIATIVE', 'someday')).message).toMatch(/sits in "someday\/", which is not a plan status.*active, done, proposed, abandoned/);
  });

  it('an unknown phase id lists the ids there are', () => {
    expect(() => findPhase(loadPlan(EXAMPLE_PLAN), 'tfjs')).toThrow(/the plan has no phase "tfjs"\. Use one of: ort-forward, ort-train, tfjs-port\./);
  });

  it('thresholds become ++parity.tolerances overrides of the experiment config', () => {
    expect(thresholdOverrides({ gradients: { float32: { rtol: 1.3e-5, atol: 1e-4 } } })).toStrictEqual([
      '++parity.tolerances.gradients.float32.rtol=0.000013',
      '++parity.tolerances.gradients.float32.atol=0.0001',
    ]);
  });
});
