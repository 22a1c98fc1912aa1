// spec: specs/archive-and-plans.md §3 (tandem report ls | show | diff) and specs/parity-report.md §4 (report render)
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.ts';
import { fixtureReport, passingReport } from '../reports/parity-fixture.ts';
import { archiveReport } from './entries.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'tandem-report-cli-'));

describe('tandem report ls', () => {
  it('lists entries with verdict and commit, filtered by initiative and phase, as text or JSON', async () => {
    const root = fresh();
    await archiveReport(root, fixtureReport(), { now: new Date('2026-11-23T04:00:00Z') });
    await archiveReport(root, passingReport(), { now: new Date('2026-11-23T05:00:00Z'), manifest: { phase: 'ort-forward' } });
    const text = await cli('report', 'ls', '--reports', root);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^QUICKSTART-ORT-TO-TFJS\/ort-forward\/20261123T050000Z {2}✓ pass {2}0123456789 {2}/m);
    expect(text.stdout).toMatch(/^QUICKSTART-ORT-TO-TFJS\/tfjs-port\/20261123T040000Z {4}✗ FAIL {2}0123456789 {2}/m);
    const json = JSON.parse((await cli('report', 'ls', '--reports', root, '--phase', 'tfjs-port', '--json')).stdout);
    expect(json.entries.map((e: { phase: string; verdict: string }) => [e.phase, e.verdict])).toStrictEqual([['tfjs-port', 'fail']]);
    expect((await cli('report', 'ls', '--reports', join(root, 'none'))).stdout).toBe('no archived reports\n');
  });
});

describe('tandem report show', () => {
  it('prints the verdict table, exit criteria and provenance, and verifies every checksum', async () => {
    const { dir } = await archiveReport(fresh(), fixtureReport());
    const { code, stdout } = await cli('report', 'show', dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^QUICKSTART-ORT-TO-TFJS \/ tfjs-port \/ \d{8}T\d{6}Z: ✗ FAIL\n/);
    expect(stdout).toContain('  commit    0123456789abcdef0123456789abcdef01234567');
    expect(stdout).toContain('  versions  node v20.20.2, onnxruntime 1.30.0, tfjs 4.22.0, torch 1.13.1');
    expect(stdout).toContain('  ✗ every selected parity case passes: 10 of 13 pass');
    expect(stdout).toContain('| tfjs | ✓ pass (0) |');
    expect(stdout).toContain('Checksums: all 8 files match the manifest.');
  });

  it('exits 1 and names the file when the evidence was changed after archiving', async () => {
    const { dir } = await archiveReport(fresh(), fixtureReport());
    const path = join(dir, 'parity.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"verdict": "fail"', '"verdict": "pass"'));
    const { code, stdout, stderr } = await cli('report', 'show', dir);
    expect(code).toBe(1);
    expect(stdout).toContain('Checksums: FAILED, this entry is not what the run wrote:\n  changed since archived: parity.json');
    expect(stderr).toMatch(/the checksums of .* do not match its manifest/);
  });

  it('a directory that is not an entry is exit 2 with what to pass instead', async () => {
    const { code, stderr } = await cli('report', 'show', fresh());
    expect(code).toBe(2);
    expect(stderr).toMatch(/is not a report-archive entry: it has no manifest\.json\. Pass a directory listed by `tandem report ls`/);
  });
});

describe('tandem report diff', () => {
  it('names the verdicts, metrics and provenance that changed between two entries', async () => {
    const root = fresh();
    const a = await archiveReport(root, fixtureReport());
    const b = await archiveReport(root, passingReport(), { manifest: { git: { commit: 'f'.repeat(40), dirty: true } } });
    const { code, stdout } = await cli('report', 'diff', a.dir, b.dir);
    expect(code).toBe(0);
    expect(stdout).toContain(`  git commit: 0123456789abcdef0123456789abcdef01234567 → ${'f'.repeat(40)}`);
    expect(stdout).toContain('  verdict: fail → pass');
    expect(stdout).toContain('  quickstart/tfjs/gradients: fail → pass');
    expect(stdout).toContain('  quickstart/tfjs/trajectory first divergent step: 7 → none');
    expect(stdout).toContain('  quickstart/tfjs/eval: skipped → absent');
    expect(stdout).toContain('  quickstart/tfjs/gradients grad.l0.weight maxAbs: 0.0042 → 2e-7 (×4.76e-5)');
    expect(stdout).not.toContain('quickstart/onnxruntime');
    const json = JSON.parse((await cli('report', 'diff', a.dir, a.dir, '--json')).stdout);
    expect(json).toStrictEqual({ provenance: [], verdicts: [], metrics: [], tests: [] });
  });
});

describe('tandem report render', () => {
  it('writes parity.md and report.html next to a parity.json', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'parity.json'), JSON.stringify(fixtureReport()));
    const { code, stdout } = await cli('report', 'render', join(dir, 'parity.json'));
    expect(code).toBe(0);
    expect(stdout).toContain('report.html');
    expect(readFileSync(join(dir, 'parity.md'), 'utf8')).toMatch(/^# quickstart: ✗ FAIL/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8').match(/<svg /g)).toHaveLength(3);
  });

  it('a file that is not a parity report is exit 2 naming the file and the key', async () => {
    const dir = fresh();
    const file = join(dir, 'parity.json');
    writeFileSync(file, JSON.stringify({ ...fixtureReport(), seed: 'zero' }));
    const { code, stderr } = await cli('report', 'render', file);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file} is not a valid tandem.parity/1 report: at seed:`);
    writeFileSync(file, '{ not json');
    expect((await cli('report', 'render', file)).stderr).toContain(`${file} is not valid JSON`);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});
