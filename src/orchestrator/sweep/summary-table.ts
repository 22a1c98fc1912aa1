import { textTable } from '../../util/text-table.ts';
import type { JobOutcome } from './sweep-job.ts';

/**
 * The table `tandem run -m` prints when every job has ended (spec: specs/sweeps.md §3):
 *
 *   job  overrides                  status    val loss   time
 *   ---  -------------------------  --------  ---------  ------
 *   0    train.optimizer.lr=0.001   complete  6.7721e-3  3.1 s
 *
 * `val loss` is the final validation loss, or the train loss marked `(train)` when there is no validation split.
 */
export function sweepSummaryTable(outcomes: readonly JobOutcome[], sweptKeys: readonly string[]): string {
  const rows = outcomes.map((o) => [
    String(o.index),
    sweptOverrides(o.overrides, sweptKeys).join(' ') || '(none)',
    o.status,
    finalLossText(o),
    `${o.seconds.toFixed(1)} s`,
  ]);
  return textTable(['job', 'overrides', 'status', 'val loss', 'time'], rows);
}

/** A job's overrides for the swept keys only: the rest are the same for every job and say nothing in a table. */
export function sweptOverrides(overrides: readonly string[], sweptKeys: readonly string[]): string[] {
  return overrides.filter((o) => sweptKeys.some((key) => o.startsWith(`${key}=`)));
}

function finalLossText(o: JobOutcome): string {
  if (!o.final) return '-';
  return o.final.validation !== undefined ? o.final.validation.toExponential(4) : `${o.final.train.toExponential(4)} (train)`;
}
