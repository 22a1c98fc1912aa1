// spec: specs/archive-and-plans.md §1 (a reader sees a complete entry or none) and §3 (`report ls` and unfinished writes)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { listEntries, verifyEntry } from '../../src/orchestrator/archive/read-archive.ts';
import { cli } from '../cli/run-cli.ts';

describe('SIGTERM in the middle of an archive write', () => {
  it('takes effect after the write: the entry is complete, no temporary directory is left, and the process ends by the signal', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-archive-sigterm-'));
    const child = join(import.meta.dirname, 'sigterm-mid-write.child.ts');
    const r = await execa('node', ['--import', 'tsx', child, root], { reject: false });
    expect(r.signal).toBe('SIGTERM');
    expect(r.stdout).toBe('');
    const phaseDir = join(root, 'QUICKSTART-ORT-TO-TFJS', 'tfjs-port');
    expect(readdirSync(phaseDir).filter((name) => name.startsWith('.tmp-'))).toStrictEqual([]);
    const { entries, damaged } = listEntries(root);
    expect(damaged).toStrictEqual([]);
    expect(entries).toHaveLength(1);
    expect(verifyEntry(entries[0]).ok).toBe(true);
    expect(Object.keys(entries[0].manifest.files).sort()).toStrictEqual(['first.txt', 'second.txt', 'third.txt']);
  });
});

describe('tandem report ls and writes a killed process left unfinished', () => {
  it('removes a stale .tmp-* directory and says so, and only lists a recent one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-archive-stale-'));
    const phaseDir = join(root, 'INIT', 'phase-1');
    const stale = join(phaseDir, '.tmp-abc123');
    const recent = join(phaseDir, '.tmp-def456');
    for (const dir of [stale, recent]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'parity.json'), '{"half": ');
    }
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(stale, hourAgo, hourAgo);
    const r = await cli('report', 'ls', '--reports', root);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^REMOVED .*\.tmp-abc123: an archive write that never finished \(60 min old, left by a killed process\)$/m);
    expect(r.stdout).toMatch(/^UNFINISHED .*\.tmp-def456: an archive write in progress, or interrupted less than 10 min ago/m);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });
});
