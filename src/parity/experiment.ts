import type { DataContainer } from '../data/container.ts';
import { isGraphDType } from '../data/data-dtype.ts';
import type { BatchFeed } from '../contracts/backend.ts';
import { withDropoutMasks, type DropoutMask } from '../contracts/dropout-masks.ts';
import type { Model } from '../contracts/model.ts';
import type { TrajectoryBatch } from '../contracts/reference.ts';
import { lossBuilder } from '../train/losses/loss-builder.ts';
import type { LossContext } from '../train/losses/loss-kind.ts';
import { modelForLoss } from '../train/losses/rollout/rollout-model.ts';
import { createOptimizer } from '../train/optimizers/create-optimizer.ts';
import { programDropoutMasks, type DataInputSpec, type ProgramSpec } from '../train/program.ts';
import type { LossSummary } from '../train/history.ts';
import { constantFeeds, feedOf, meanOverBatches } from '../train/trainer.ts';
import type { TrainSettings } from '../train/training-run.ts';
import { prepareModel } from '../train/prepare-model.ts';

/** The parts of the resolved config parity reads. */
export interface ExperimentSettings {
  readonly experiment: { readonly name: string; readonly seed: number };
  readonly train: TrainSettings;
}

/**
 * One experiment as the parity stages see it: the program spec every side builds from, and the batches every
 * side is fed. Batches come from the container's seeded iterator exactly as the trainer draws them (shuffled
 * per (seed, epoch), last partial batch dropped), so a parity trajectory IS the start of a training run.
 */
export class ParityExperiment {
  readonly name: string;
  readonly seed: number;
  readonly batchSize: number;
  readonly train: TrainSettings;
  private readonly constants;
  private masks?: readonly DropoutMask[];

  constructor(
    config: ExperimentSettings,
    readonly data: DataContainer,
    private readonly model: Model,
    /** What the adapter declares about its data (a PINN's domain), for the loss terms that read it. */
    private readonly lossContext: LossContext = {},
  ) {
    const { experiment, train } = config;
    this.train = train;
    this.name = experiment.name;
    this.seed = experiment.seed;
    // As the trainer: a batch never exceeds the train split.
    this.batchSize = Math.min(train.batch_size, data.split.train.length);
    this.constants = constantFeeds(data);
    if (!train.loss) throw new Error('train.loss is missing: parity compares the loss, so name at least one loss term, e.g. train.loss.data: {kind: mse, output: y, target: u}');
  }

  /** The model's `prepare` hook (a torch module's export) on the first train batch; `runDir` keeps its files. */
  prepare(runDir: string): Promise<string | undefined> {
    return prepareModel(modelForLoss(this.model, this.train.loss), this.data, this.batchSize, this.seed, runDir);
  }

  /** The spec of the unmodified program in `dtype` (the reference builds exactly this one). */
  programSpec(dtype: 'float32' | 'float64'): ProgramSpec {
    const inputs: Record<string, DataInputSpec> = {};
    for (const [key, s] of Object.entries(this.data.specs())) {
      if (!isGraphDType(s.dtype)) throw new Error(`data key "${key}" is ${s.dtype}, which cannot enter a graph directly; convert it to (re, im) pairs in the adapter`);
      inputs[key] = { dtype: s.dtype, shape: s.shape, perSample: s.perSample };
    }
    const train = this.train;
    return {
      name: this.name,
      model: modelForLoss(this.model, train.loss),
      seed: this.seed,
      dtype,
      inputs,
      loss: lossBuilder(train.loss!, 'train.loss', this.lossContext),
      optimizer: createOptimizer(train.optimizer),
      ...(train.clip_grad_norm ? { clip: train.clip_grad_norm } : {}),
    };
  }

  /**
   * The same batch with its samples in reverse order: the same loss (a mean over samples does not depend on their
   * order), summed in another order. A second, equally valid float32 run of the reference from it shows how far
   * float32 rounding alone can move a result (the float64 arbiter, judge-float64.ts). Constant keys are unchanged.
   * A model with training-mode Dropout gets the feed unchanged: a mask need not have the batch on axis 0, and
   * reversing the samples without their mask rows would be another loss. Its second run then repeats the first,
   * so the arbiter judges against one reference run rather than a wrongly wide spread.
   */
  reversed(feed: BatchFeed): BatchFeed {
    if (this.dropoutMasks().length) return feed;
    const perSample = this.data.specs();
    return new Map(
      [...feed].map(([key, t]) => {
        if (!perSample[key]?.perSample || t.shape.length === 0) return [key, t];
        const n = t.shape[0];
        const row = t.data.length / n;
        // Typed as one array kind for its methods only: slice/subarray/set act on whatever kind it is.
        const src = t.data as Float64Array;
        const data = src.slice();
        for (let i = 0; i < n; i++) data.set(src.subarray((n - 1 - i) * row, (n - i) * row), i * row);
        return [key, { ...t, data }];
      }),
    );
  }

  /**
   * The program's training-mode Dropout masks (none for most models), found once: the forward pass's and those of
   * each application of the model in the loss (a rollout's steps), so every side is fed what the trainer feeds.
   */
  dropoutMasks(): readonly DropoutMask[] {
    this.masks ??= programDropoutMasks(this.programSpec('float32'), this.batchSize);
    return this.masks;
  }

  /**
   * The batch the single-batch stages (forward, loss, gradients, step) use: the first one of epoch 0, with the
   * Dropout masks of step 1 (the stages compare the first update).
   */
  firstBatch(): BatchFeed {
    return this.trajectory(1)[0].feed;
  }

  /** The first `steps` training batches, in training order, across as many epochs as needed, each with its step's Dropout masks. */
  trajectory(steps: number): TrajectoryBatch[] {
    const out: TrajectoryBatch[] = [];
    for (let epoch = 0; out.length < steps; epoch++) {
      const batches = this.data.epoch('train', { batchSize: this.batchSize, seed: this.seed, epoch, dropLast: true });
      if (batches.count === 0) throw new Error(`train.batch_size ${this.batchSize} leaves no full batch in the train split of ${this.data.split.train.length} samples`);
      for (const batch of batches) {
        if (out.length === steps) break;
        out.push({ feed: withDropoutMasks(feedOf(batch, this.constants), this.dropoutMasks(), this.seed, out.length + 1), epoch, endOfEpoch: batch.index === batches.count - 1 });
      }
    }
    return out;
  }

  /**
   * Loss and terms of a whole split, unshuffled, in batches of the training batch size (the last one partial),
   * combined as the float64 mean weighted by sample counts: how the trainer evaluates (trainer.ts
   * `meanOverBatches`). `evaluate` answers one batch; both sides get the same batches. Undefined for an empty
   * split. One huge batch would instead test the engines' float32 accumulation over millions of values.
   */
  async splitLoss(split: 'train' | 'validation', evaluate: (feed: BatchFeed) => Promise<LossSummary>): Promise<LossSummary | undefined> {
    const n = this.data.split[split].length;
    if (n === 0) return undefined;
    const batches = this.data.epoch(split, { batchSize: this.batchSize, seed: this.seed, epoch: 0, shuffle: false });
    return meanOverBatches(batches, n, (batch) => evaluate(feedOf(batch, this.constants)));
  }
}
