import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../../../util/atomic-write.ts';
import type { RunOpening } from '../tracking-sink.ts';
import { TrackerError } from '../tracker-error.ts';

/** The server-side run, once created. */
export interface ServerRun {
  readonly id: string;
  readonly experimentId: string;
  readonly artifactUri: string;
}

/**
 * Which MLflow run a run directory's spool belongs to: the opening (experiment, name, start time, tags), so the run
 * can still be created when the server never answered, and the run's ids once the server created it, so a replay
 * continues that run instead of starting a second one. Kept beside the spool file, as `mlflow-run.json`.
 */
export interface RunRecord {
  readonly trackingUri: string;
  readonly opening: RunOpening;
  readonly run?: ServerRun;
}

export function runRecordFile(spoolFile: string): string {
  return join(dirname(spoolFile), 'mlflow-run.json');
}

export function writeRunRecord(spoolFile: string, record: RunRecord): void {
  try {
    writeFileAtomic(runRecordFile(spoolFile), `${JSON.stringify(record, null, 2)}\n`);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new TrackerError(`Cannot write ${runRecordFile(spoolFile)} (${e.code ?? e.message}); the run directory must be writable.`, { cause: error });
  }
}

export function readRunRecord(spoolFile: string): RunRecord {
  const file = runRecordFile(spoolFile);
  if (!existsSync(file)) {
    throw new TrackerError(`${spoolFile} has no ${file} beside it, which names the MLflow run the records belong to; it cannot be replayed (spools written before tandem kept that file cannot).`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
}
