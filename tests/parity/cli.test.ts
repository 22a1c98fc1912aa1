import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseParityReport } from '../../src/parity/report.ts';
import { openReference } from '../backends/torch/torch-available.ts';
import { cli, runStatuses } from '../cli/run-cli.ts';

/** `tandem parity` end to end: the table, parity.json, and the exit codes 0 / 1 / 2 (specs/parity.md "CLI"). */
const { ref, skip } = await openReference('tests/parity/cli.test.ts');
await ref.dispose();
const outputs = () => mkdtempSync(join(tmpdir(), 'tandem-parity-cli-'));
const reportPathOf = (stdout: string) => /report: (.*parity\.json)/.exec(stdout)![1];

describe('tandem parity: usage errors exit 2 before anything runs', () => {
  it('a selector that matches no case lists the cases there are', async () => {
    const r = await cli('parity', 'conf/quickstart.yaml', '--select', 'nope/*/*', '--outputs', outputs());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the selector(s) "nope/*/*" match no parity case; this config has: quickstart/onnxruntime/init');
  });

  it('a negative tolerance names the key and why it must be >= 0', async () => {
    const r = await cli('parity', 'conf/quickstart.yaml', '+parity={tolerances:{forward:{float32:{rtol:-1,atol:0}}}}', '--outputs', outputs());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('parity.tolerances.forward.float32.rtol');
    expect(r.stderr).toContain('rtol must be >= 0');
  });

  it('an unavailable reference (no such python) is a setup error, and the run directory is marked failed', async () => {
    const out = outputs();
    const r = await cli('parity', 'conf/quickstart.yaml', 'backend.name=torch', '+backend.params.python=/nonexistent/python3', '--outputs', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the torch reference is unavailable');
    expect(r.stderr).toContain('/nonexistent/python3');
    expect(runStatuses(out)).toEqual(['failed']);
  });

  it('refuses to compare the live torch reference with itself', async () => {
    const r = await cli('parity', 'conf/quickstart.yaml', '+parity={backends:[torch]}', '--outputs', outputs());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('would compare the reference with itself');
  });

  it('a malformed selector says what shape it needs', async () => {
    const r = await cli('parity', 'conf/quickstart.yaml', '--select', 'tfjs/gradients', '--outputs', outputs());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must have three non-empty parts');
  });
});

describe.skipIf(skip)('tandem parity against live torch', () => {
  it('prints the verdict table, writes a valid parity.json and exits 0 when every selected case passes', async () => {
    const r = await cli('parity', 'conf/quickstart.yaml', '--select', '*/onnxruntime/{forward,gradients}', '--outputs', outputs());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/backend\s+init\s+forward\s+loss\s+gradients/);
    expect(r.stdout).toMatch(/onnxruntime\s+–\s+pass\s+–\s+pass/);
    expect(r.stdout).toContain('PASS: 2 pass, 0 fail, 0 error');
    const report = parseParityReport(readFileSync(reportPathOf(r.stdout), 'utf8'));
    expect(report.cases.map((c) => c.id)).toEqual(['quickstart/onnxruntime/forward', 'quickstart/onnxruntime/gradients']);
    expect(report.reference).toMatchObject({ kind: 'live', name: 'torch' });
    expect(report.reference.versions.torch).toMatch(/^1\./);
    // The renderings sit beside the contract, made from it.
    const dir = dirname(reportPathOf(r.stdout));
    expect(readFileSync(join(dir, 'parity.md'), 'utf8')).toMatch(/\| onnxruntime \|.*✓ pass/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<svg[\s\S]*<\/svg>/);
  }, 120_000);

  it('zero tolerance: the float64 arbiter passes float32 rounding, and the table says so with both errors', async () => {
    const r = await cli('parity', 'conf/quickstart.yaml', '+parity={tolerances:{forward:{float32:{rtol:0,atol:0}}}}', '--select', '*/onnxruntime/forward', '--outputs', outputs());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/quickstart\/onnxruntime\/forward: y_hat: within the reference's float32 error \(max abs error vs float64: backend \S+, float32 reference \S+\)/);
    const [c] = parseParityReport(readFileSync(reportPathOf(r.stdout), 'utf8')).cases;
    expect(c.tensors[0].arbiter).toMatchObject({ verdict: 'within-reference-error', multiple: 4 });
  }, 120_000);

  it('exits 1 on a parity failure and localizes it: zero tolerance against a baseline (no arbiter) leaves rounding outside', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-parity-cli-baselines-'));
    expect((await cli('baseline', 'record', 'conf/quickstart.yaml', '+parity={trajectory_steps:2}', '--name', 'qs', '--root', root)).code).toBe(0);
    const zero = '+parity={reference:"baseline:qs",trajectory_steps:2,tolerances:{forward:{float32:{rtol:0,atol:0}}}}';
    const r = await cli('parity', 'conf/quickstart.yaml', zero, '--baselines', root, '--select', '*/onnxruntime/forward', '--outputs', outputs());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/onnxruntime\s+–\s+FAIL/);
    expect(r.stdout).toContain('no float64 arbiter: the reference is a recorded baseline, which cannot re-run a stage in float64');
    expect(r.stderr).toContain('parity fail: 1 case(s) failed');
    const [c] = parseParityReport(readFileSync(reportPathOf(r.stdout), 'utf8')).cases;
    expect(c.verdict).toBe('fail');
    expect(c.tolerance.float32).toEqual({ rtol: 0, atol: 0, source: 'config parity.tolerances.forward.float32' });
    // The first node whose output is not bit-identical to torch's, with its (bit-identical) computed inputs.
    expect(c.firstDivergence?.kind).toBe('forward');
    expect(c.firstDivergence?.node?.diverging.every((d) => !d.withinTolerance)).toBe(true);
    expect(c.firstDivergence?.node?.upstream.every((u) => u.withinTolerance)).toBe(true);
    // A few ULPs: classified as rounding, with the advice to widen the tolerance instead of hunting a bug.
    expect(c.firstDivergence?.node?.severity).toBe('rounding');
    expect(c.firstDivergence?.message).toContain('widen parity.tolerances.forward.float32');
  }, 120_000);

  it('--json prints parity.json itself', async () => {
    const r = await cli('parity', 'conf/quickstart.yaml', '--select', '*/tfjs/loss', '--json', '--outputs', outputs());
    expect(r.code, r.stderr).toBe(0);
    const report = parseParityReport(r.stdout);
    expect(report.summary).toEqual({ verdict: 'pass', counts: { pass: 1, fail: 0, error: 0, skipped: 0 } });
  }, 120_000);

  it('--json on a failed parity run prints one JSON document: the report with the error inside it', async () => {
    // Bit for bit, without the float64 arbiter (which would pass the rounding torch shares).
    const zero = '+parity={arbiter:false,tolerances:{forward:{float32:{rtol:0,atol:0}}}}';
    const r = await cli('parity', 'conf/quickstart.yaml', zero, '--select', '*/onnxruntime/forward', '--json', '--outputs', outputs());
    expect(r.code).toBe(1);
    const document = JSON.parse(r.stdout) as { summary: { verdict: string }; error: { kind: string; message: string; exitCode: number } };
    expect(document.summary.verdict).toBe('fail');
    expect(document.error).toEqual({ kind: 'ParityFailedError', message: expect.stringContaining('parity fail: 1 case(s) failed'), exitCode: 1 });
    const { error: _error, ...report } = document;
    expect(parseParityReport(JSON.stringify(report)).cases[0].verdict).toBe('fail');
  }, 120_000);
});
