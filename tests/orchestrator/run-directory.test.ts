// spec: specs/config-handshake.md §8.4 (run directory layout, atomic writes)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunDirectory } from '../../src/orchestrator/run/run-directory.ts';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';

const scratch = () => mkdtempSync(join(tmpdir(), 'tandem-rundir-'));

describe('createRunDirectory', () => {
  it('uses Hydra’s local-time layout and never shares a directory within one second', () => {
    const root = scratch();
    const now = new Date(2026, 0, 2, 3, 4, 5);
    const dirs = [0, 1, 2].map(() => relative(root, createRunDirectory(root, now)));
    expect(dirs).toStrictEqual(['2026-01-02/03-04-05', '2026-01-02/03-04-05-1', '2026-01-02/03-04-05-2']);
    expect(readdirSync(join(root, dirs[0]), { withFileTypes: true }).map((e) => e.name)).toStrictEqual(['.tandem']);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the whole file and leaves no temporary file behind', () => {
    const dir = scratch();
    const target = join(dir, 'status.json');
    writeFileAtomic(target, 'old');
    writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toStrictEqual(['status.json']);
  });

  it('a failed write keeps the old content and cleans up', () => {
    const dir = scratch();
    const target = join(dir, 'config.yaml');
    writeFileSync(target, 'old');
    mkdirSync(join(dir, 'blocker'));
    // Renaming a file over a directory fails after the temporary file was written.
    expect(() => writeFileAtomic(join(dir, 'blocker'), 'new')).toThrow();
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toStrictEqual(['blocker', 'config.yaml']);
  });
});
