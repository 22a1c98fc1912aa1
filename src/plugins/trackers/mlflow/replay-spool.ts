import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mlflowTracker, restSinkFor } from './mlflow-tracker.ts';
import { MlflowApiError } from './rest/api-errors.ts';
import { readRunRecord } from './rest/run-record.ts';
import { Spool } from './rest/spool.ts';
import { TrackerError } from './tracker-error.ts';

export interface ReplayOutcome {
  /** The spool file, absent afterwards. */
  readonly spool: string;
  readonly trackingUri: string;
  /** False when the run left no spool: the server has every record already. */
  readonly found: boolean;
  readonly sent: number;
  readonly runId?: string;
}

/**
 * `tandem tracker replay <run-dir>` (specs/tracking.md §6): sends the records a run's REST sink could not deliver
 * before the run ended (server away) to the server, with the run's own retry settings, into the run the spool's
 * record names. Safe to repeat: acknowledged records leave the spool file as they go, a run the server created is
 * continued rather than created twice, and params, tags, artifacts and the final status overwrite themselves. The
 * spool file is removed only once the server has acknowledged everything.
 *
 * `settings` are the tracker's effective settings as the run recorded them (`.tandem/effective-settings.json`).
 */
export async function replaySpool(runDir: string, settings: Readonly<Record<string, unknown>>, warn: (message: string) => void): Promise<ReplayOutcome> {
  if (settings.store !== 'rest') {
    throw new TrackerError(`The run in ${runDir} tracked to a folder store (${String(settings.root ?? settings.tracking_uri)}), which is written directly and never spools; there is nothing to replay.`);
  }
  const p = mlflowTracker.params.parse({ tracking_uri: settings.tracking_uri, spool_file: settings.spool_file, retry: settings.retry });
  const spool = join(runDir, p.spool_file);
  if (!existsSync(spool)) return { spool, trackingUri: p.tracking_uri, found: false, sent: 0 };
  const record = readRunRecord(spool);
  const sink = restSinkFor(p, record.trackingUri, () => spool, warn);
  let sent: number;
  try {
    sent = await sink.replay(record);
  } catch (error) {
    const left = existsSync(spool) ? Spool.load(spool).size : 0;
    const then = error instanceof MlflowApiError && error.retryable ? 'once the server answers' : 'once the cause above is fixed';
    throw new TrackerError(`${(error as Error).message}\n${left} record(s) are still in ${spool}; run \`tandem tracker replay ${runDir}\` again ${then}.`, { cause: error });
  }
  // Every record was acknowledged (an empty spool file, left by a crash, included).
  rmSync(spool, { force: true });
  const runId = sink.describe().run_id;
  return { spool, trackingUri: record.trackingUri, found: true, sent, ...(typeof runId === 'string' ? { runId } : {}) };
}
