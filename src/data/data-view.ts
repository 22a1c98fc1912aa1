import type { ValidatedArray } from './contract.ts';
import type { DataDType } from './data-dtype.ts';
import type { EpochBatches, EpochOptions, SplitName } from './container.ts';

/** One key as a model sees it: dtype, dims and shape of one sample (sample dim removed) or of a constant. */
export interface DataKeySpec {
  readonly dtype: DataDType;
  readonly dims: string[];
  readonly shape: number[];
  readonly perSample: boolean;
  readonly units?: string;
}

/**
 * What training needs of a data set, without holding it in memory: sizes, per-key specs, constants and seeded
 * epochs of batches. DataContainer (everything in memory) and SimulationWindows (windows streamed from disk,
 * physics/burgers/window-stream.ts) both implement it, so a data set larger than memory trains the same way.
 */
export interface DataView {
  readonly source: string;
  readonly sampleCount: number;
  /** Sample ids per split, ascending. */
  readonly split: Readonly<Record<SplitName, Int32Array>>;
  /** Tensors without the sample dim, fed whole with every batch. */
  readonly constants: ReadonlyMap<string, ValidatedArray>;
  specs(): Record<string, DataKeySpec>;
  /** The batches of one epoch of a split, deterministic in (seed, split, epoch), as DataContainer.epoch. */
  epoch(split: SplitName, options: EpochOptions): EpochBatches;
}
