import { sizeOf } from '../graph/tensor.ts';
import type { DataKeySpec, DataView } from './data-view.ts';
import type { ValidatedArray, ValidatedData } from './contract.ts';
import { DataContractError, DataError } from './errors.ts';
import { permute } from './layout.ts';
import { namedTensor } from './named-tensor.ts';
import { rngFor } from './rng.ts';
import { gatherRows } from './rows.ts';
import { windowArrays, type WindowOptions } from './windows.ts';

/**
 * Validated arrays ready for training: per-sample tensors with the sample dim (default `batch`) moved to axis 0,
 * constant tensors (no sample dim, e.g. a probe), a seeded train/validation split, and a seeded batch
 * iterator. Batch order is a pure function of (seed, split, epoch), so a resumed run replays the same batches.
 * See specs/data-container.md "Container".
 */
export interface SplitOptions {
  /** Fraction of samples held out for validation, in [0, 1). */
  readonly validation: number;
  readonly seed: number;
  /** Shuffle before splitting; false keeps the last samples for validation (e.g. time-ordered data). */
  readonly shuffle: boolean;
}

export interface EpochOptions {
  readonly batchSize: number;
  readonly seed: number;
  readonly epoch: number;
  /** Default: true for train, false for validation. */
  readonly shuffle?: boolean;
  /** Drop a last batch smaller than batchSize; default false. */
  readonly dropLast?: boolean;
}

export type SplitName = 'train' | 'validation';

export interface Batch {
  readonly split: SplitName;
  readonly epoch: number;
  /** Position of this batch within its epoch. */
  readonly index: number;
  /** Sample indices (into the whole data set) stacked in this batch, in order. */
  readonly samples: Int32Array;
  /** Per-sample tensors, sample dim first with size samples.length. Constants are not repeated here. */
  readonly tensors: ReadonlyMap<string, ValidatedArray>;
}

/** The batches of one epoch: random access (`at`, for resuming mid-epoch) and iteration. */
export interface EpochBatches extends Iterable<Batch> {
  readonly count: number;
  at(index: number): Batch;
}

export class DataContainer implements DataView {
  private constructor(
    readonly source: string,
    readonly sampleDim: string,
    readonly sampleCount: number,
    /** Samples made from each stored sample: the window count, or 1 without windows. */
    readonly windowsPerSample: number,
    /** Tensors with the sample dim, as axis 0. */
    readonly tensors: ReadonlyMap<string, ValidatedArray>,
    /** Tensors without the sample dim, shared by every batch. */
    readonly constants: ReadonlyMap<string, ValidatedArray>,
    readonly split: Readonly<Record<SplitName, Int32Array>>,
  ) {}

  /**
   * With `windows`, each sample (trajectory) is cut into windows along a dim (see windows.ts). The split is drawn
   * over trajectories first, so windows of one trajectory never land in both train and validation.
   */
  static create(data: ValidatedData, sampleDim: string, split: SplitOptions, windows?: WindowOptions): DataContainer {
    const count = sampleCountOf(data, sampleDim);
    const groups = splitSamples(count, split, data.source);
    const { arrays, perSample } = windows ? windowArrays(data.source, data.arrays, sampleDim, windows) : { arrays: data.arrays, perSample: 1 };
    const tensors = new Map<string, ValidatedArray>();
    const constants = new Map<string, ValidatedArray>();
    for (const [key, a] of arrays) {
      if (!a.dims.includes(sampleDim)) {
        constants.set(key, a);
        continue;
      }
      const front = permute(a, [sampleDim, ...a.dims.filter((d) => d !== sampleDim)]);
      tensors.set(key, a.units === undefined ? front : { ...front, units: a.units });
    }
    return new DataContainer(data.source, sampleDim, count * perSample, perSample, tensors, constants, {
      train: expandGroups(groups.train, perSample),
      validation: expandGroups(groups.validation, perSample),
    });
  }

  /** Stacks the given samples along the sample dim (indices may repeat): one contiguous copy per sample and key. */
  gather(samples: Int32Array): Map<string, ValidatedArray> {
    const out = new Map<string, ValidatedArray>();
    for (const [key, t] of this.tensors) {
      const data = gatherRows(t.data, t.dtype, sizeOf(t.shape.slice(1)), samples);
      const stacked = namedTensor(t.dtype, [samples.length, ...t.shape.slice(1)], t.dims, data);
      out.set(key, t.units === undefined ? stacked : { ...stacked, units: t.units });
    }
    return out;
  }

  /** The batches of one epoch of a split. Deterministic in (seed, split, epoch); see EpochOptions. */
  epoch(split: SplitName, options: EpochOptions): EpochBatches {
    return epochBatches(this.split[split], split, options, (samples) => this.gather(samples));
  }

  /** Per-key description for model plugins: dtype, dims and shape of one sample (sample dim removed) or constant. */
  specs(): Record<string, DataKeySpec> {
    const out: Record<string, DataKeySpec> = {};
    for (const [key, t] of this.tensors) {
      out[key] = { dtype: t.dtype, dims: t.dims.slice(1), shape: t.shape.slice(1), perSample: true, ...(t.units !== undefined && { units: t.units }) };
    }
    for (const [key, t] of this.constants) {
      out[key] = { dtype: t.dtype, dims: [...t.dims], shape: [...t.shape], perSample: false, ...(t.units !== undefined && { units: t.units }) };
    }
    return out;
  }
}

/** The count along the sample dim, which every per-sample array must share. */
function sampleCountOf(data: ValidatedData, sampleDim: string): number {
  let count: number | undefined;
  let countKey = '';
  for (const [key, a] of data.arrays) {
    if (!a.dims.includes(sampleDim)) continue;
    const n = a.shape[a.dims.indexOf(sampleDim)];
    if (count !== undefined && n !== count) {
      throw new DataContractError(
        data.source,
        key,
        `has ${n} samples along "${sampleDim}" but "${countKey}" has ${count}`,
        'Every per-sample array needs the same count: fix the file, or give the sample axes one shared size symbol in the contract',
      );
    }
    count = n;
    countKey = key;
  }
  if (count === undefined) {
    throw new DataError(
      `${data.source}: no key has the sample dim "${sampleDim}" (keys: ${[...data.arrays.keys()].join(', ')}): name it in the contract dims of the per-sample keys, or set sampleDim`,
      data.source,
    );
  }
  return count;
}

/** Train and validation sample indices, each ascending; which samples are held out depends only on the seed. */
function splitSamples(n: number, options: SplitOptions, source: string): Record<SplitName, Int32Array> {
  const { validation, seed, shuffle } = options;
  if (!(validation >= 0 && validation < 1)) throw new RangeError(`split.validation must be a fraction in [0, 1), got ${validation}`);
  const held = Math.round(n * validation);
  if (n - held < 1) throw new DataError(`${source}: ${n} samples leave none for training with split.validation = ${validation}: lower split.validation or add data`, source);
  // A requested validation split that rounds to nothing would train with no validation loss, silently.
  if (held === 0 && validation > 0) {
    throw new DataError(
      `${source}: ${n} sample(s) × split.validation ${validation} rounds to 0 validation samples, so the run would have no validation loss; add data (at least ${Math.ceil(0.5 / validation)} samples), raise split.validation, or set it to 0 to train without validation`,
      source,
    );
  }
  return drawSplit(n, held, seed, shuffle);
}

/*
 * The split and epoch order below are exported so that a data set too large for a DataContainer (a streamed
 * one, e.g. physics/burgers/window-stream.ts) numbers, splits and orders its samples exactly as the container.
 */

/**
 * Which of n groups (samples, or trajectories cut into windows) are held out: the last `held` of the seeded
 * permutation rngFor(seed, 'split'), or of 0..n−1 in order without shuffle. Each side comes back ascending.
 */
export function drawSplit(n: number, held: number, seed: number, shuffle = true): Record<SplitName, Int32Array> {
  const order = shuffle ? rngFor(seed, 'split').permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  return {
    train: order.slice(0, n - held).sort(),
    validation: order.slice(n - held).sort(),
  };
}

/** Group ids to sample ids when each group holds `perGroup` samples: sample g·perGroup + k is item k of group g. */
export function expandGroups(groups: Int32Array, perGroup: number): Int32Array {
  return Int32Array.from({ length: groups.length * perGroup }, (_, i) => groups[Math.floor(i / perGroup)] * perGroup + (i % perGroup));
}

/**
 * The batches of one epoch over a split's sample ids, each gathered only when asked for. Batch order is a pure
 * function of (seed, split, epoch); see EpochOptions.
 */
export function epochBatches(ids: Int32Array, split: SplitName, options: EpochOptions, gather: (samples: Int32Array) => ReadonlyMap<string, ValidatedArray>): EpochBatches {
  const { batchSize, seed, epoch } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const order = Int32Array.from(ids);
  if (options.shuffle ?? split === 'train') rngFor(seed, 'batches', split, epoch).shuffle(order);
  const count = options.dropLast ? Math.floor(order.length / batchSize) : Math.ceil(order.length / batchSize);
  const at = (index: number): Batch => {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`batch ${index} is outside 0..${count - 1} of ${split} epoch ${epoch}`);
    const samples = order.subarray(index * batchSize, Math.min((index + 1) * batchSize, order.length));
    return { split, epoch, index, samples, tensors: gather(samples) };
  };
  return {
    count,
    at,
    *[Symbol.iterator]() {
      for (let i = 0; i < count; i++) yield at(i);
    },
  };
}
