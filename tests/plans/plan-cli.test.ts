// spec: specs/archive-and-plans.md §4.2 (tandem plan run) and §4.4 (tandem plan status)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { readEntry, verifyEntry } from '../../src/orchestrator/archive/read-archive.ts';
import { cli } from '../cli/run-cli.ts';
import { EXAMPLE_PLAN, writePlan } from './plan-files.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'tandem-plan-reports-'));

/** A plan whose phases run real vitest selectors on a small, fast test file of this repository. */
const VITEST_PLAN = `initiative: TEST-INITIATIVE
title: Suggestions work
phases:
  - id: suggest
    title: closest-match suggestions pass
    selectors:
      vitest:
        - file: tests/util/suggest.test.ts
          filter: closestMatch
  - id: typo
    title: a filter that matches no test
    selectors:
      vitest:
        - file: tests/util/suggest.test.ts
          filter: no test is called this
`;

function writePlanAt(file: string, yaml: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, yaml);
}

const entryDir = (stdout: string) => /evidence: (.*) \(open report\.html\)/.exec(stdout)![1];

describe('tandem plan run with vitest selectors', () => {
  const plan = writePlan(VITEST_PLAN);
  const reports = fresh();

  it('runs the selected tests in a vitest child, archives the evidence and exits 0 when the criteria hold', async () => {
    const { code, stdout, stderr } = await cli('plan', 'run', plan, '--phase', 'suggest', '--reports', reports);
    expect(code).toBe(0);
    expect(stderr).toContain('vitest tests/util/suggest.test.ts -t "closestMatch"');
    expect(stdout).toContain('TEST-INITIATIVE / suggest: ✓ pass\n  ✓ every selected test passes: 1 passed, 0 failed, 0 skipped\n');
    const entry = readEntry(resolve(entryDir(stdout)));
    expect(entry.dir.startsWith(join(reports, 'TEST-INITIATIVE', 'suggest'))).toBe(true);
    expect(Object.keys(entry.manifest.files).sort()).toStrictEqual(['logs/vitest-1.txt', 'parity.md', 'report.html', 'tests.json', 'vitest/1.json']);
    expect(entry.manifest.selectors).toStrictEqual(['tests/util/suggest.test.ts -t "closestMatch"']);
    expect(verifyEntry(entry).ok).toBe(true);
    // Only the test the filter selected is listed, not the ones vitest skipped for it.
    const tests = JSON.parse(readFileSync(join(entry.dir, 'tests.json'), 'utf8'));
    expect(tests[0].tests).toStrictEqual([{ name: 'closestMatch > suggests plausible typos only', status: 'passed', durationMs: expect.any(Number) }]);
  });

  it('exits 1 and still archives when a criterion fails (a filter that selects no test)', async () => {
    const { code, stdout, stderr } = await cli('plan', 'run', plan, '--phase', 'typo', '--reports', reports);
    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ every selected test passes: 0 passed, 0 failed, \d+ skipped; no test ran for tests\/util\/suggest\.test\.ts -t "no test is called this"/);
    expect(stderr).toMatch(/error: phase typo did not pass \(fail\); the evidence is archived in /);
    expect(readEntry(resolve(entryDir(stdout))).manifest.verdict).toBe('fail');
  });

  it('plan status shows each phase with its newest verdict', async () => {
    const { code, stdout } = await cli('plan', 'status', plan, '--reports', reports);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^TEST-INITIATIVE \(active\): Suggestions work\n {2}suggest {2}✓ pass +\d{8}T\d{6}Z \(1 run\) +closest-match suggestions pass\n {2}typo {5}✗ FAIL +\d{8}T\d{6}Z \(1 run\) +a filter/);
    const json = JSON.parse((await cli('plan', 'status', plan, '--reports', fresh(), '--json')).stdout);
    expect(json.phases.map((p: { verdict: string }) => p.verdict)).toStrictEqual(['never run', 'never run']);
  });

  it('an unknown phase is exit 2 listing the phase ids; nothing is archived', async () => {
    const empty = fresh();
    const { code, stderr } = await cli('plan', 'run', plan, '--phase', 'sugest', '--reports', empty);
    expect(code).toBe(2);
    expect(stderr).toContain(`error: ${plan}: the plan has no phase "sugest". Use one of: suggest, typo.`);
    expect(existsSync(join(empty, 'TEST-INITIATIVE'))).toBe(false);
  });

  it('an unwritable reports directory is exit 2', async () => {
    const { code, stderr } = await cli('plan', 'run', plan, '--phase', 'suggest', '--reports', join(EXAMPLE_PLAN, 'inside-a-file'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot create the report archive .*inside-a-file\/.*: .*plan\.yaml is a file, not a directory; .*--reports <dir>/);
  });
});

describe('tandem plan ls', () => {
  it('lists every plan with its status and each phase\'s newest verdict', async () => {
    const { code, stdout } = await cli('plan', 'ls', '--reports', fresh());
    expect(code).toBe(0);
    expect(stdout).toContain('active    QUICKSTART-ORT-TO-TFJS: The quickstart MLP trains on TensorFlow.js exactly as on ONNX Runtime\n          ort-forward ·, ort-train ·, tfjs-port ·\n');
  });

  it('lists an invalid plan with its error next to the valid ones, then exits 2', async () => {
    const good = writePlan(VITEST_PLAN);
    const root = join(good, '..', '..', '..');
    writePlanAt(join(root, 'done', 'BROKEN', 'plan.yaml'), 'initiative: BROKEN\ntitle: t\nphases: []\n');
    const { code, stdout, stderr } = await cli('plan', 'ls', '--plans', root, '--reports', fresh());
    expect(code).toBe(2);
    expect(stdout).toContain('active    TEST-INITIATIVE: Suggestions work\n          suggest ·, typo ·\n');
    expect(stdout).toMatch(/INVALID {3}.*done\/BROKEN\/plan\.yaml:3:\d+: .*\(key phases\)/);
    expect(stderr).toContain('1 plan file(s) under');
  });
});

const torch = execaSync('/usr/bin/python3', ['-c', 'import torch'], { reject: false });
const noTorch = torch.exitCode === 0 ? undefined : `no torch in /usr/bin/python3 (${torch.stderr.split('\n').at(-1)})`;
if (noTorch) console.warn(`[tests/plans/plan-cli.test.ts] SKIPPED the example plan run: ${noTorch}`);

describe.skipIf(noTorch !== undefined)('the shipped example plan', () => {
  it('phase ort-forward runs the parity engine against torch and the vitest selector, and passes', async () => {
    const reports = fresh();
    const { code, stdout, stderr } = await cli('plan', 'run', EXAMPLE_PLAN, '--phase', 'ort-forward', '--reports', reports, '--outputs', fresh());
    expect(stderr).toContain('quickstart/onnxruntime/forward: pass');
    expect(code).toBe(0);
    const entry = readEntry(resolve(entryDir(stdout)));
    expect(entry.manifest.configs).toStrictEqual([{ file: 'conf/quickstart.yaml', overrides: [], hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(entry.manifest.versions.torch).toMatch(/^1\./);
    const parity = JSON.parse(readFileSync(join(entry.dir, 'parity.json'), 'utf8'));
    expect(parity.cases.map((c: { id: string; verdict: string }) => `${c.id} ${c.verdict}`)).toStrictEqual([
      'quickstart/onnxruntime/init pass',
      'quickstart/onnxruntime/forward pass',
      'quickstart/onnxruntime/loss pass',
    ]);
    expect(parity.configHash).toBe(entry.manifest.configs[0].hash);
    expect(readFileSync(join(entry.dir, 'report.html'), 'utf8')).toContain('<figure id="quickstart-stage-error">');
  });
});
