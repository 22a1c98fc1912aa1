import type { DataContainer } from '../../data/container.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { BatchFeed } from '../backends/backend.ts';
import type { Configured } from '../plugin.ts';

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
   * Optional: domain results once training is done and before the session closes (e.g. ptychography stitches the
   * predicted patches and scores them against the true object). Returns a line for the run's evaluate detail.
   */
  afterTraining?(trained: TrainedModel): Promise<string>;
}
