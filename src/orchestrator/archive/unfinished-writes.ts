import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEMP_PREFIX } from './write-entry.ts';

/**
 * The temporary directories of archive writes that never published (`<root>/<initiative>/<phase>/.tmp-*`). A write
 * defers SIGINT and SIGTERM until it is done, so only SIGKILL, a crash or a lost machine leaves one. A write takes
 * seconds, so one older than STALE_AFTER_MS is left over and is removed; a younger one may be a write in progress
 * in another process, and is only listed. `tandem report ls` calls this.
 */
export const STALE_AFTER_MS = 10 * 60_000;

export interface UnfinishedWrite {
  readonly dir: string;
  readonly ageMs: number;
  readonly removed: boolean;
}

export function sweepUnfinishedWrites(reportsRoot: string, now = Date.now()): UnfinishedWrite[] {
  const root = resolve(reportsRoot);
  const found: UnfinishedWrite[] = [];
  for (const initiative of dirsIn(root)) {
    for (const phase of dirsIn(join(root, initiative))) {
      for (const name of dirsIn(join(root, initiative, phase)).filter((n) => n.startsWith(TEMP_PREFIX))) {
        const dir = join(root, initiative, phase, name);
        const ageMs = now - statSync(dir).mtimeMs;
        const removed = ageMs > STALE_AFTER_MS;
        if (removed) rmSync(dir, { recursive: true, force: true });
        found.push({ dir, ageMs, removed });
      }
    }
  }
  return found;
}

function dirsIn(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return []; // no archive yet, or not a directory: nothing unfinished there
  }
}
