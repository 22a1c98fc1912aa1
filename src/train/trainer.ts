import type { Batch, DataContainer } from '../data/container.ts';
import { toGraphTensor } from '../data/named-tensor.ts';
import type { Tensor } from '../graph/tensor.ts';
import type { BatchFeed, Session } from '../plugins/backends/backend.ts';
import { EarlyStopping, type EarlyStopOptions, type StopReason } from './early-stop.ts';
import { EpochAccumulator, type EpochRecord, type LossSummary } from './history.ts';
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
  /** Called after each epoch with its record (metrics to a tracker). */
  readonly onEpoch?: (record: EpochRecord) => void | Promise<void>;
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
 * (seed, epoch), the same on every backend.
 */
export class Trainer {
  constructor(private readonly options: TrainerOptions) {}

  async run(session: Session, data: DataContainer): Promise<TrainOutcome> {
    const { epochs, batchSize, seed, schedule, scheduleInterval, progress } = this.options;
    const constants = constantFeeds(data);
    const perEpoch = Math.floor(data.split.train.length / batchSize);
    if (perEpoch === 0) {
      throw new Error(`train.batch_size is ${batchSize} but the train split has only ${data.split.train.length} samples; lower train.batch_size`);
    }
    const validation = data.split.validation.length > 0 ? feedOf(data.epoch('validation', { batchSize: data.split.validation.length, seed, epoch: 0 }).at(0), constants) : undefined;
    const stopper = new EarlyStopping(this.options.earlyStop);
    const history: EpochRecord[] = [];
    let steps = 0;
    let stop: StopReason = { kind: 'epochs', detail: `trained all ${epochs} epoch(s)` };
    const t0 = performance.now();
    progress.start(epochs, perEpoch);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const te = performance.now();
      const lr = schedule.lr;
      const acc = new EpochAccumulator();
      for (const batch of data.epoch('train', { batchSize, seed, epoch, dropLast: true })) {
        const feed = feedOf(batch, constants);
        steps++;
        const result = await session.step(feed, schedule.lr, steps);
        guardFinite(result, { step: steps, epoch, batch: batch.index }, feed);
        acc.add(result);
        progress.step(epoch, batch.index, result.loss, schedule.lr);
        if (scheduleInterval === 'step') schedule.step(result.loss);
      }
      const record: EpochRecord = {
        epoch,
        steps,
        train: acc.mean(),
        ...(validation ? { validation: await session.evaluate(validation) } : {}),
        lr,
        seconds: (performance.now() - te) / 1000,
      };
      history.push(record);
      // ReduceLROnPlateau watches the validation loss when there is one; other schedules ignore the metric.
      if (scheduleInterval === 'epoch') schedule.step(record.validation?.loss ?? record.train.loss);
      progress.epochEnd(record);
      await this.options.onEpoch?.(record);
      const early = stopper.update(record);
      if (early) {
        stop = early;
        break;
      }
    }
    const last = history[history.length - 1];
    progress.end(`stopped (${stop.kind}): ${stop.detail}`);
    return {
      history,
      stop,
      steps,
      final: { train: last.train, ...(last.validation ? { validation: last.validation } : {}) },
      seconds: (performance.now() - t0) / 1000,
    };
  }
}

/** Data tensors without the sample dim, fed whole with every batch. */
export function constantFeeds(data: DataContainer): Map<string, Tensor> {
  return new Map([...data.constants].map(([k, t]) => [k, toGraphTensor(t)]));
}

export function feedOf(batch: Batch, constants: ReadonlyMap<string, Tensor>): BatchFeed {
  const feed = new Map(constants);
  for (const [k, t] of batch.tensors) feed.set(k, toGraphTensor(t));
  return feed;
}
