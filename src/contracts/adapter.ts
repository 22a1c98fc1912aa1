import type { DataContainer, EpochBatches, EpochOptions, SplitName } from '../data/container.ts';
import type { DataView } from '../data/data-view.ts';
import type { Tensor } from '../graph/tensor.ts';
import type { LossContext } from '../train/losses/loss-kind.ts';
import type { BatchFeed } from './backend.ts';
import type { Configured } from './plugin.ts';
import type { PlotSpec } from './plot-spec.ts';

/** What an adapter's evaluation after training reports: a line for the evaluate stage, rows and plots for report.html. */
export interface DomainResults {
  readonly line: string;
  readonly rows: readonly [string, string][];
  readonly plots: readonly PlotSpec[];
}

/** The trained model as an adapter sees it after training: its forward pass, on any batch size. */
export interface TrainedModel {
  /** The run directory (absolute); results go inside it. */
  readonly runDir: string;
  readonly container: DataContainer;
  forward(batch: BatchFeed): Promise<Map<string, Tensor>>;
}

/**
 * What an adapter plugin instance offers once constructed: its source already read and validated against its
 * data contract (construction fails with a DataError otherwise), as a DataContainer.
 */
export interface DataAdapter extends Configured {
  container(): DataContainer;
  /**
   * Optional: the data as training reads it when it need not all be in memory (windows streamed from disk).
   * TrainingRun uses it when present and `container()` otherwise; its samples, split and batches must equal the
   * container's. A view that is not a DataContainer skips the in-memory evaluations (afterTraining, workload report).
   */
  view?(): DataView;
  /**
   * Optional: the batches of one epoch of a split, when they are not the container's fixed samples (collocation
   * points drawn anew every K epochs). The trainer draws its train batches here when present, the container
   * otherwise. Must be a pure function of (split, options.seed, options.epoch) so that resuming a checkpoint
   * replays the same batches, and must keep the container's per-sample keys, shapes and split sizes.
   */
  epochBatches?(split: SplitName, options: EpochOptions): EpochBatches;
  /**
   * Optional: domain results once training is done and before the session closes (e.g. ptychography stitches the
   * predicted patches and scores them against the true object): a line for the run's evaluate detail, and the
   * rows and plots its report.html shows (the physics of the workload, beside the loss curve).
   */
  afterTraining?(trained: TrainedModel): Promise<DomainResults>;
  /**
   * Optional: what the loss may know about the data beyond its keys (a PINN's coordinates, constants, point sets
   * and exact solution), handed to every loss-term kind by the training run and parity.
   */
  lossContext?(): LossContext;
}
