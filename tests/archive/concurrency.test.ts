// spec: specs/archive-and-plans.md §1 (never overwritten, even by a concurrent writer)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { listEntries, verifyEntry } from '../../src/orchestrator/archive/read-archive.ts';

const PER_WRITER = 150;

it('two processes writing entries in the same second never replace each other\'s', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tandem-archive-race-'));
  const child = join(import.meta.dirname, 'write-entries.child.ts');
  // 150 each: long enough that the two writers overlap (measured: their suffixes interleave) on a 2-core box.
  await Promise.all(['a', 'b'].map((tag) => execa('node', ['--import', 'tsx', child, root, String(PER_WRITER), tag])));
  const { entries, damaged } = listEntries(root);
  expect(damaged).toStrictEqual([]);
  expect(entries).toHaveLength(2 * PER_WRITER);
  const written = entries.map((e) => readFileSync(join(e.dir, 'writer.txt'), 'utf8')).sort();
  const expected = ['a', 'b'].flatMap((tag) => Array.from({ length: PER_WRITER }, (_, i) => `${tag} ${i}`)).sort();
  expect(written).toStrictEqual(expected);
  for (const e of entries) expect(verifyEntry(e).ok).toBe(true);
});
