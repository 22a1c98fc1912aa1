import type { Session } from '../../contracts/backend.ts';
import type { EarlyStopState, StopReason } from '../early-stop.ts';
import type { AccumulatorState, EpochRecord } from '../history.ts';
import type { ScheduleState } from '../schedules/lr-schedule.ts';

/**
 * Where the training loop stands, as plain JSON: everything besides the parameters and optimizer slots that a
 * resumed run needs to continue the trajectory as if it had never stopped (specs/checkpoints.md §3). The batch
 * order needs no state of its own: it is a pure function of (seed, split, epoch), and `batch` says where to
 * jump in with `EpochBatches.at()`.
 */
export interface LoopSnapshot {
  /** The epoch of the next batch to train. */
  readonly epoch: number;
  /** The index of the next batch within `epoch`; equal to the batch count when only the epoch's end work is left. */
  readonly batch: number;
  /** Optimizer updates done so far. */
  readonly steps: number;
  /** The LR of the current epoch's first step (EpochRecord.lr) and the seconds the epoch has run so far. */
  readonly epochLr: number;
  readonly epochSeconds: number;
  /** The running sums of the current epoch's per-step losses. */
  readonly accumulator: AccumulatorState;
  readonly history: readonly EpochRecord[];
  readonly schedule: ScheduleState;
  readonly earlyStop: EarlyStopState;
  /** Set when early stopping ended training at this point: a resume has nothing left to do. */
  readonly stop: StopReason | null;
}

/**
 * Where the trainer hands its state to checkpointing. Call order, per epoch: `afterStep` after every optimizer
 * step (and the step-interval LR update), then `afterEpoch` after validation, the epoch-interval LR update and
 * the early-stop check; `atEnd` once when the loop ends for any reason. The snapshot is a thunk: building it
 * copies the history, which only a save needs.
 */
export interface CheckpointSink {
  afterStep(steps: number, snapshot: () => LoopSnapshot, session: Session): Promise<void>;
  afterEpoch(record: EpochRecord, snapshot: () => LoopSnapshot, session: Session): Promise<void>;
  atEnd(snapshot: () => LoopSnapshot, session: Session): Promise<void>;
  /** What results.json records under `checkpoint` (null when nothing was written). */
  summary(): CheckpointSummary | null;
}

export interface CheckpointSummary {
  /** The checkpoints folder of this run. */
  readonly dir: string;
  /** The `last` checkpoint (a link to the newest state), when save_last. */
  readonly last: string | null;
  /** The best epoch-end checkpoint by `monitor` (the newest without a monitor). */
  readonly best: string | null;
  readonly monitor: string | null;
  readonly bestScore: number | null;
}

/** Writes nothing: a run without `train.checkpoint` (a do-nothing object instead of null checks). */
export const noCheckpoints: CheckpointSink = {
  afterStep: async () => {},
  afterEpoch: async () => {},
  atEnd: async () => {},
  summary: () => null,
};
