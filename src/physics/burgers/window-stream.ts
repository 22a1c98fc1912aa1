import { drawSplit, epochBatches, expandGroups, type EpochBatches, type EpochOptions, type SplitName } from '../../data/container.ts';
import type { ValidatedArray } from '../../data/contract.ts';
import type { DataKeySpec, DataView } from '../../data/data-view.ts';
import { DataError } from '../../data/errors.ts';
import { namedTensor } from '../../data/named-tensor.ts';
import { readNpzFile } from '../../data/npz.ts';
import { readVelocity, VELOCITY_KEY, velocityShape, type BurgersSimParams } from './simulations.ts';

export interface WindowStreamOptions {
  /** Where the windows come from, for messages (the cache folder). */
  readonly source: string;
  /** One file per simulation, in simulation order (ensureSimulations' `files`). */
  readonly files: readonly string[];
  readonly params: BurgersSimParams;
  /** Frames per window: the initial state plus R rollout targets. */
  readonly windowSize: number;
  readonly stride: number;
  /** Fraction of simulations held out, and the seed that picks them. */
  readonly split: { readonly validation: number; readonly seed: number };
  /** At most this many decoded simulations stay in memory (least recently used are dropped). */
  readonly maxResidentSims: number;
}

export interface StreamStats {
  /** Simulation files decoded so far. */
  readonly loads: number;
  readonly resident: number;
  readonly peakResident: number;
}

/**
 * Sliding windows over per-simulation files, read from disk batch by batch: only the simulations a batch needs
 * are decoded, and an LRU keeps at most `maxResidentSims` of them, so a data set larger than memory streams.
 *
 * It numbers, splits and orders samples with DataContainer's own helpers, as the container does with `windows`
 * (window w of simulation s is sample s·W + w; simulations, not windows, are split), so for the same parameters
 * its batches equal the in-memory container's (tests/physics/burgers-dataset.test.ts checks this).
 */
export class SimulationWindows implements DataView {
  readonly windowsPerSim: number;
  readonly frameShape: number[];
  /** Window ids per split, ascending. */
  readonly split: Readonly<Record<SplitName, Int32Array>>;
  /** Simulation ids per split, ascending. */
  readonly simulations: Readonly<Record<SplitName, Int32Array>>;
  /** Burgers windows have no constants: every key is per sample. */
  readonly constants: ReadonlyMap<string, ValidatedArray> = new Map();
  private readonly resident = new Map<number, Float32Array>();
  private loads = 0;
  private peak = 0;

  constructor(private readonly o: WindowStreamOptions) {
    const { maxResidentSims, files } = o;
    if (!Number.isInteger(maxResidentSims) || maxResidentSims < 1) throw new RangeError(`maxResidentSims must be a positive integer, got ${maxResidentSims}`);
    this.windowsPerSim = windowsPerSimulation(o.params.steps + 1, o.windowSize, o.stride);
    this.frameShape = velocityShape(o.params).slice(1);
    this.simulations = splitSimulations(files.length, o.split.validation, o.split.seed, files[0] ?? '(no simulations)');
    this.split = { train: expandGroups(this.simulations.train, this.windowsPerSim), validation: expandGroups(this.simulations.validation, this.windowsPerSim) };
  }

  get source(): string {
    return this.o.source;
  }

  /** The one key, velocity: one window [time, x(, y), vector], as DataContainer.specs describes it. */
  specs(): Record<string, DataKeySpec> {
    return { [VELOCITY_KEY]: { dtype: 'float32', dims: this.dims().slice(1), shape: [this.o.windowSize, ...this.frameShape], perSample: true } };
  }

  get sampleCount(): number {
    return this.o.files.length * this.windowsPerSim;
  }

  stats(): StreamStats {
    return { loads: this.loads, resident: this.resident.size, peakResident: this.peak };
  }

  /** The windows `samples` stacked along `batch`: velocity [batch, time, x(, y), vector]. */
  gather(samples: Int32Array): Map<string, ValidatedArray> {
    const { windowSize, stride } = this.o;
    const frameSize = this.frameShape.reduce((a, b) => a * b, 1);
    const block = windowSize * frameSize;
    const out = new Float32Array(samples.length * block);
    for (let b = 0; b < samples.length; b++) {
      const s = samples[b];
      if (!Number.isInteger(s) || s < 0 || s >= this.sampleCount) throw new RangeError(`window ${s} is outside 0..${this.sampleCount - 1}`);
      const sim = this.simulation(Math.floor(s / this.windowsPerSim));
      const start = (s % this.windowsPerSim) * stride * frameSize;
      out.set(sim.subarray(start, start + block), b * block);
    }
    return new Map([[VELOCITY_KEY, namedTensor('float32', [samples.length, windowSize, ...this.frameShape], this.dims(), out)]]);
  }

  /** The batches of one epoch, as DataContainer.epoch orders them; each batch is read when asked for. */
  epoch(split: SplitName, options: EpochOptions): EpochBatches {
    return epochBatches(this.split[split], split, options, (samples) => this.gather(samples));
  }

  private dims(): string[] {
    return ['batch', 'time', 'x', ...(this.o.params.dim === 2 ? ['y'] : []), 'vector'];
  }

  private simulation(index: number): Float32Array {
    const hit = this.resident.get(index);
    if (hit) {
      this.resident.delete(index); // re-insert: Map order is the LRU order
      this.resident.set(index, hit);
      return hit;
    }
    const data = readVelocity(readNpzFile(this.o.files[index]), this.o.params).data as Float32Array;
    this.loads++;
    this.resident.set(index, data);
    if (this.resident.size > this.o.maxResidentSims) this.resident.delete(this.resident.keys().next().value!);
    this.peak = Math.max(this.peak, this.resident.size);
    return data;
  }
}

/** W = floor((frames − size) / stride) + 1, or an error when a window does not fit a trajectory. */
export function windowsPerSimulation(frames: number, size: number, stride: number): number {
  if (!Number.isInteger(size) || size < 1 || size > frames) {
    throw new RangeError(`a window of ${size} frames (rollout + 1) does not fit trajectories of ${frames} frames: lower rollout or raise steps`);
  }
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`the window stride must be a positive integer, got ${stride}`);
  return Math.floor((frames - size) / stride) + 1;
}

/**
 * The held-out simulations: the same seeded draw as DataContainer's split (the last round(n·validation) of a
 * seeded permutation), so the streamed and in-memory views agree on which simulation is where.
 */
function splitSimulations(n: number, validation: number, seed: number, source: string): Record<SplitName, Int32Array> {
  if (!(validation >= 0 && validation < 1)) throw new RangeError(`the test fraction must be in [0, 1), got ${validation}`);
  const held = Math.round(n * validation);
  if (n - held < 1) throw new DataError(`${source}: ${n} simulations leave none for training with a test fraction of ${validation}: lower it or raise n_sims`, source);
  return drawSplit(n, held, seed);
}
