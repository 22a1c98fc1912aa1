import type { Batch, EpochBatches, EpochOptions, SplitName } from '../data/container.ts';
import type { DataView } from '../data/data-view.ts';
import { DataError } from '../data/errors.ts';
import { toGraphTensor } from '../data/named-tensor.ts';
import type { Tensor } from '../graph/tensor.ts';
import type { BatchFeed, Session } from '../contracts/backend.ts';
import type { RunHooks } from '../contracts/run-hooks.ts';
import { withDropoutMasks, type DropoutMask } from '../contracts/dropout-masks.ts';
import { noCheckpoints, type CheckpointSink, type LoopSnapshot } from './checkpoint/loop-state.ts';
import { EarlyStopping, type EarlyStopOptions, type StopReason } from './early-stop.ts';
import { EpochAccumulator, epochMetrics, type EpochRecord, type LossSummary } from './history.ts';
import { guardFinite } from './nan-guard.ts';
import type { TrainProgress } from './progress.ts';
import type { LrSchedule } from './schedules/lr-schedule.ts';

export interface TrainerOptions {
  readonly epochs: number;
  /** The batch size the session's program was built for; the last, smaller batch of an epoch is dropped. */
  readonly batchSize: number;
  /** Seed of the batch order (the experiment seed). */
  readonly seed: number;
  readonly schedule: LrSchedule;
  /** Advance the LR schedule after every epoch (torch's usual) or after every optimizer step. */
  readonly scheduleInterval: 'epoch' | 'step';
  readonly earlyStop?: EarlyStopOptions;
  readonly progress: TrainProgress;
  /**
   * Who observes training: `onTrainStep` after each optimizer step (the loss at the parameters before it),
   * `logMetrics` after each epoch (epochMetrics, at the epoch's last step). Default: nobody.
   */
  readonly hooks?: RunHooks;
  /** Where checkpoints go (default: nowhere). */
  readonly checkpoints?: CheckpointSink;
  /** Continue from a checkpoint's loop state (the session must already hold its parameters and slots). */
  readonly resume?: LoopSnapshot;
  /** Where train batches come from each epoch (an adapter's `epochBatches`); default: the container's. */
  readonly batches?: (split: SplitName, options: EpochOptions) => EpochBatches;
  /** Validate in batches of this size (a streamed data set); default: the whole split as one batch. */
  readonly validationBatchSize?: number;
  /** The program's training-mode Dropout masks, drawn for each step from (seed, step); validation feeds none. */
  readonly dropoutMasks?: readonly DropoutMask[];
}

export interface TrainOutcome {
  readonly history: readonly EpochRecord[];
  readonly stop: StopReason;
  readonly steps: number;
  readonly final: { readonly train: LossSummary; readonly validation?: LossSummary };
  readonly seconds: number;
}

/**
 * The training loop: epochs × batches from the container's seeded iterator, one fused step per batch, the LR
 * schedule host-side, validation on the whole held-out split after each epoch, early stopping, and a guard
 * that stops at the first non-finite loss term naming it and the step. Batch order is a pure function of
 * (seed, epoch), the same on every backend; so are the samples when an adapter draws them per epoch.
 */
export class Trainer {
  constructor(private readonly options: TrainerOptions) {}

  async run(session: Session, data: DataView): Promise<TrainOutcome> {
    const { epochs, batchSize, seed, schedule, scheduleInterval, progress, resume, hooks = {} } = this.options;
    const checkpoints = this.options.checkpoints ?? noCheckpoints;
    const constants = constantFeeds(data);
    const perEpoch = Math.floor(data.split.train.length / batchSize);
    if (perEpoch === 0) {
      const { train, validation } = data.split;
      throw new DataError(
        `${data.source}: train.batch_size is ${batchSize} but the train split has only ${train.length} sample(s) (${data.sampleCount} in all, ${validation.length} held out for validation), so an epoch has no full batch; lower train.batch_size to at most ${train.length}, or add data`,
        data.source,
      );
    }
    const validate = data.split.validation.length > 0 ? () => splitLoss(session, data, 'validation', constants, this.options.validationBatchSize) : undefined;
    const stopper = new EarlyStopping(this.options.earlyStop);
    const history: EpochRecord[] = [...(resume?.history ?? [])];
    let steps = resume?.steps ?? 0;
    let early: StopReason | undefined = resume?.stop ?? undefined;
    if (resume) {
      schedule.restore(resume.schedule);
      stopper.restore(resume.earlyStop);
    }
    const t0 = performance.now();
    progress.start(epochs, perEpoch);
    for (let epoch = resume?.epoch ?? 0; epoch < epochs && !early; epoch++) {
      // A resumed epoch continues from the snapshot: its first LR, elapsed time and loss sums carry over.
      const cont = resume && epoch === resume.epoch ? resume : undefined;
      const te = performance.now() - 1000 * (cont?.epochSeconds ?? 0);
      const lr = cont ? cont.epochLr : schedule.lr;
      const acc = new EpochAccumulator(cont?.accumulator);
      const batches = (this.options.batches ?? ((split, o) => data.epoch(split, o)))('train', { batchSize, seed, epoch, dropLast: true });
      const snapshot = (next: number): LoopSnapshot => ({
        epoch,
        batch: next,
        steps,
        epochLr: lr,
        epochSeconds: (performance.now() - te) / 1000,
        accumulator: acc.state(),
        history: [...history],
        schedule: schedule.state(),
        earlyStop: stopper.state(),
        stop: early ?? null,
      });
      for (let index = cont?.batch ?? 0; index < batches.count; index++) {
        const batch = batches.at(index);
        steps++;
        const feed = withDropoutMasks(feedOf(batch, constants), this.options.dropoutMasks ?? [], seed, steps);
        const stepLr = schedule.lr;
        const result = await session.step(feed, stepLr, steps);
        guardFinite(result, { step: steps, epoch, batch: batch.index }, feed);
        acc.add(result);
        await hooks.onTrainStep?.({ step: steps, epoch, batch: batch.index, lr: stepLr, result });
        progress.step(epoch, batch.index, result.loss, schedule.lr);
        if (scheduleInterval === 'step') schedule.step(result.loss);
        await checkpoints.afterStep(steps, () => snapshot(index + 1), session);
      }
      const record: EpochRecord = {
        epoch,
        steps,
        train: acc.mean(),
        ...(validate ? { validation: await validate() } : {}),
        lr,
        seconds: (performance.now() - te) / 1000,
      };
      history.push(record);
      // ReduceLROnPlateau watches the validation loss when there is one; other schedules ignore the metric.
      if (scheduleInterval === 'epoch') schedule.step(record.validation?.loss ?? record.train.loss);
      progress.epochEnd(record);
      await hooks.logMetrics?.(epochMetrics(record), record.steps);
      early = stopper.update(record);
      // The epoch is complete: the next position is the start of the following epoch, with fresh sums.
      await checkpoints.afterEpoch(record, () => ({ ...snapshot(0), epoch: epoch + 1, epochLr: schedule.lr, epochSeconds: 0, accumulator: new EpochAccumulator().state() }), session);
    }
    const stop: StopReason = early ?? { kind: 'epochs', detail: `trained all ${epochs} epoch(s)` };
    await checkpoints.atEnd(() => endSnapshot(history, steps, schedule, stopper, early), session);
    const last = history[history.length - 1];
    progress.end(`stopped (${stop.kind}): ${stop.detail}`);
    if (!last) throw new Error(`nothing to train: the checkpoint resumed from is at epoch ${resume?.epoch} and train.epochs is ${epochs}; raise train.epochs to train further`);
    return {
      history,
      stop,
      steps,
      final: { train: last.train, ...(last.validation ? { validation: last.validation } : {}) },
      seconds: (performance.now() - t0) / 1000,
    };
  }
}

/** The state after the loop: the start of the epoch after the last one recorded. */
function endSnapshot(history: readonly EpochRecord[], steps: number, schedule: LrSchedule, stopper: EarlyStopping, early: StopReason | undefined): LoopSnapshot {
  const last = history[history.length - 1];
  return {
    epoch: last ? last.epoch + 1 : 0,
    batch: 0,
    steps,
    epochLr: schedule.lr,
    epochSeconds: 0,
    accumulator: new EpochAccumulator().state(),
    history: [...history],
    schedule: schedule.state(),
    earlyStop: stopper.state(),
    stop: early ?? null,
  };
}

/** Data tensors without the sample dim, fed whole with every batch. */
export function constantFeeds(data: DataView): Map<string, Tensor> {
  return new Map([...data.constants].map(([k, t]) => [k, toGraphTensor(t)]));
}

export function feedOf(batch: Batch, constants: ReadonlyMap<string, Tensor>): BatchFeed {
  const feed = new Map(constants);
  for (const [k, t] of batch.tensors) feed.set(k, toGraphTensor(t));
  return feed;
}

/**
 * Loss and terms of a whole split with the session's current parameters. Without `batchSize` the split is one
 * batch (the in-memory default, unchanged numbers); with it the split is read batch by batch (a streamed data set)
 * and each value is the mean over batches weighted by their sample counts (`meanOverBatches`).
 */
export async function splitLoss(session: Session, data: DataView, split: SplitName, constants: ReadonlyMap<string, Tensor>, batchSize?: number): Promise<LossSummary> {
  const n = data.split[split].length;
  const batches = data.epoch(split, { batchSize: batchSize ?? n, seed: 0, epoch: 0, shuffle: false });
  return meanOverBatches(batches, n, (batch) => session.evaluate(feedOf(batch, constants)));
}

/**
 * Loss and terms over a split's batches, each value the mean of the batch values weighted by their sample
 * counts (`samples` in all), accumulated in float64 on the host. For a term that is a mean over the batch's
 * samples (MSE, L1, Poisson NLL, rollout MSE) this is the whole-split value up to float32 rounding, and more
 * accurate than one huge batch: an engine's float32 mean over millions of values drifts (specs/parity.md "eval").
 * A ratio term (relative L2, a masked mean) gets the batch-weighted mean of its per-batch values instead, which
 * both sides of a parity comparison compute alike. One batch is returned as evaluated.
 */
export async function meanOverBatches(batches: EpochBatches, samples: number, evaluate: (batch: Batch) => Promise<LossSummary>): Promise<LossSummary> {
  if (batches.count === 1) return evaluate(batches.at(0));
  let loss = 0;
  const terms: Record<string, number> = {};
  for (const batch of batches) {
    const r = await evaluate(batch);
    const w = batch.samples.length / samples;
    loss += w * r.loss;
    for (const [t, v] of Object.entries(r.terms)) terms[t] = (terms[t] ?? 0) + w * v;
  }
  return { loss, terms };
}
