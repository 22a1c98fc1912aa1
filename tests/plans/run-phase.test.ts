// spec: specs/archive-and-plans.md §4.2 (a run-time failure is archived as evidence; bad input stops the phase)
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { readEntry } from '../../src/orchestrator/archive/read-archive.ts';
import { UsageError } from '../../src/orchestrator/errors.ts';
import { loadPlan } from '../../src/orchestrator/plans/load-plan.ts';
import { runPhase, type ParityRunner } from '../../src/orchestrator/plans/run-phase.ts';
import { runVitest } from '../../src/orchestrator/plans/run-vitest.ts';
import { cli } from '../cli/run-cli.ts';
import { writePlan } from './plan-files.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'tandem-run-phase-'));

const PLAN = `initiative: TEST-INITIATIVE
title: t
phases:
  - id: exact-forward
    title: "ONNX Runtime reproduces torch's forward pass bit for bit (it does not: float32 sums differ in order)"
    selectors:
      parity:
        - config: conf/quickstart.yaml
          # Bit for bit: float32 verdicts, without the float64 arbiter (which passes rounding torch shares).
          overrides: ["++parity.arbiter=false"]
          cases: ["quickstart/onnxruntime/forward"]
    thresholds:
      forward: { float32: { rtol: 0, atol: 0 } }
`;

describe('runPhase when the parity engine cannot run', () => {
  const plan = loadPlan(writePlan(PLAN));
  const run = (runParity: ParityRunner, reportsRoot: string) => runPhase({ plan, phaseId: 'exact-forward', reportsRoot, cwd: process.cwd(), runParity, progress: () => {} });

  it('archives a run-time failure as verdict error, with the message in the criteria and the log', async () => {
    const result = await run(async (group, log) => {
      log(`starting ${group.configFile}`);
      throw new Error('the torch reference process exited with code 139');
    }, fresh());
    expect(result.verdict).toBe('error');
    expect(result.manifest.criteria).toStrictEqual([
      { description: 'every selected parity case passes', passed: false, detail: 'parity could not run: conf/quickstart.yaml: the torch reference process exited with code 139' },
    ]);
    expect(readFileSync(join(result.dir, 'logs', 'parity-1.txt'), 'utf8')).toBe('starting conf/quickstart.yaml\nerror: the torch reference process exited with code 139\n');
    // The group's overrides carry the phase's thresholds, and the manifest records them with the hash.
    expect(result.manifest.configs[0].overrides).toStrictEqual(['++parity.arbiter=false', '++parity.tolerances.forward.float32.rtol=0', '++parity.tolerances.forward.float32.atol=0']);
  });

  it('bad input from the engine (exit code 2) stops the phase and archives nothing', async () => {
    const root = fresh();
    await expect(run(async () => Promise.reject(new UsageError('the selector matches no parity case')), root)).rejects.toThrow(/matches no parity case/);
    expect(existsSync(join(root, 'TEST-INITIATIVE', 'exact-forward'))).toBe(true);
    expect(readdirSync(join(root, 'TEST-INITIATIVE', 'exact-forward'))).toStrictEqual([]);
  });
});

describe('runVitest', () => {
  it('a test file that does not exist is that selector\'s error, without starting vitest', async () => {
    const run = await runVitest('tests/no-such.test.ts', 'x', process.cwd());
    expect(run.result).toStrictEqual({ file: 'tests/no-such.test.ts', filter: 'x', tests: [], error: `the test file tests/no-such.test.ts does not exist (paths are relative to ${process.cwd()})` });
    expect(run.log).toBe('');
  });
});

const torch = execaSync('/usr/bin/python3', ['-c', 'import torch'], { reject: false });
describe.skipIf(torch.exitCode !== 0)('a phase whose thresholds the real engine cannot meet', () => {
  it('fails, exits 1, and its parity.md names the failing case and the configured tolerance', async () => {
    const file = writePlan(PLAN);
    const { code, stdout } = await cli('plan', 'run', file, '--phase', 'exact-forward', '--reports', fresh(), '--outputs', fresh());
    expect(code).toBe(1);
    expect(stdout).toContain('✗ every selected parity case passes: 0 of 1 pass; quickstart/onnxruntime/forward fail');
    const entry = readEntry(/evidence: (.*) \(open report\.html\)/.exec(stdout)![1]);
    const md = readFileSync(join(entry.dir, 'parity.md'), 'utf8');
    expect(md).toContain('#### quickstart/onnxruntime/forward — ✗ FAIL');
    expect(md).toContain('Tolerance: float32: rtol 0, atol 0 (config parity.tolerances.forward.float32).');
  });
});
