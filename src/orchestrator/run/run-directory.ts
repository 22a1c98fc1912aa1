import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { guardRun } from '../../util/run-guard.ts';
import { escapeInterpolations } from '../config/interpolation-syntax.ts';
import type { FrozenConfig } from '../frozen-config.ts';
import { prepareWritableRoot } from '../writable-root.ts';

/**
 * The run directory (spec: specs/config-handshake.md §8.4), Hydra's layout with our metadata folder:
 *
 *   <outputs>/<YYYY-MM-DD>/<HH-MM-SS>[-N]/
 *     .tandem/config.yaml       the resolved config (what was hashed), keys sorted; a literal `${` is written `\${`
 *                               so the file reads back as the same config
 *     .tandem/overrides.yaml    the command-line overrides as typed, a YAML list
 *     .tandem/config.sha256     the config hash
 *     .tandem/status.json       running → complete | partial | failed | killed (SIGINT, SIGTERM)
 *     .tandem/effective-settings.json   what each plugin reported after construction
 *
 * Every file is written atomically; the status is the last thing written, so `complete` implies the rest exists.
 */
export const META_DIR = '.tandem';

export type RunDirStatus = 'running' | 'complete' | 'partial' | 'failed' | 'killed';

export interface StatusRecord {
  readonly status: RunDirStatus;
  readonly configHash: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly error?: string;
}

/** Create a fresh run directory; a second run in the same second gets a `-1`, `-2`… suffix instead of sharing. */
export function createRunDirectory(outputsRoot: string, now: Date = new Date()): string {
  const dir = createTimestampedDirectory(outputsRoot, now);
  mkdirSync(join(dir, META_DIR));
  return dir;
}

/**
 * `<root>/<YYYY-MM-DD>/<HH-MM-SS>[-N]/`, created fresh (never shared): a run directory, or a multirun's sweep
 * directory (specs/sweeps.md §2), which holds `multirun.yaml` and one run directory per job.
 */
export function createTimestampedDirectory(root: string, now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  // Local time, as Hydra's ${now:%Y-%m-%d}/${now:%H-%M-%S}: the person reading the folder thinks in local time.
  const day = join(prepareWritableRoot(root, 'the outputs directory'), `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`);
  const time = `${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
  mkdirSync(day, { recursive: true });
  for (let n = 0; ; n++) {
    const dir = join(day, n === 0 ? time : `${time}-${n}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Use a given directory as the run directory (a sweep job's `<sweep dir>/<n>/`). A retried job gets the same one:
 * its files are rewritten atomically, and the status says which attempt's outcome is there.
 */
export function useRunDirectory(dir: string): string {
  const absolute = resolve(dir);
  mkdirSync(join(absolute, META_DIR), { recursive: true });
  return absolute;
}

/** Echo the config, the overrides and the hash, and mark the run as running. */
export function writeRunRecord(runDir: string, frozen: FrozenConfig, startedAt: Date): void {
  const meta = join(runDir, META_DIR);
  writeFileAtomic(join(meta, 'config.yaml'), stringify(escapeInterpolations(frozen.config), { sortMapEntries: true }));
  writeFileAtomic(join(meta, 'overrides.yaml'), stringify([...frozen.overrides]));
  writeFileAtomic(join(meta, 'config.sha256'), `${frozen.hash}\n`);
  writeStatus(runDir, { status: 'running', configHash: frozen.hash, startedAt: startedAt.toISOString(), updatedAt: startedAt.toISOString() });
}

export function writeEffectiveSettings(runDir: string, settings: Record<string, unknown>): void {
  writeFileAtomic(join(runDir, META_DIR, 'effective-settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

export function writeStatus(runDir: string, record: StatusRecord): void {
  writeFileAtomic(join(runDir, META_DIR, 'status.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * While a run is running: Ctrl-C or SIGTERM marks it `killed` (and the process then ends by the signal), and an exit
 * in the middle (process.exit, an uncaught exception) marks it `failed`, so no directory says `running` for a
 * process that is gone. SIGKILL cannot be caught: that one still leaves `running`. Returns the release function;
 * install it before any plugin's guard (the tracker's), so the tracker's asynchronous one is the last to run.
 */
export function guardRunDirectory(runDir: string, record: Pick<StatusRecord, 'configHash' | 'startedAt'>): () => void {
  const mark = (status: RunDirStatus, error: string) => writeStatus(runDir, { status, ...record, updatedAt: new Date().toISOString(), error });
  return guardRun({
    onSignal: async (signal) => mark('killed', `stopped by ${signal}`),
    onExit: () => mark('failed', 'the process exited before the run ended'),
    graceMs: 0,
  });
}

export function readStatus(runDir: string): StatusRecord {
  return JSON.parse(readFileSync(join(runDir, META_DIR, 'status.json'), 'utf8')) as StatusRecord;
}
