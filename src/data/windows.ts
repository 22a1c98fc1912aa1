import { sizeOf } from '../graph/tensor.ts';
import type { ValidatedArray } from './contract.ts';
import { DataContractError, DataError } from './errors.ts';
import { permute } from './layout.ts';
import { namedTensor, type NamedTensor } from './named-tensor.ts';
import { gatherRows } from './rows.ts';

/**
 * Sliding windows along a dim (usually `time`): a trajectory of T frames gives W = floor((T - size) / stride) + 1
 * samples of `size` frames each, e.g. an initial state plus the next rollout steps (HYCO-PhiFlow's
 * `rollout_steps`; docs/reference/seed-systems.md §3.4). Sample s, window w becomes sample s·W + w, so the windows of one
 * trajectory stay together and the container can split by trajectory. See specs/data-container.md "Windows".
 */
export interface WindowOptions {
  readonly dim: string;
  readonly size: number;
  readonly stride: number;
}

export interface Windowed {
  readonly arrays: Map<string, ValidatedArray>;
  /** Windows per original sample (W). */
  readonly perSample: number;
}

/**
 * Windows every per-sample array (those with `sampleDim`): arrays with `options.dim` are cut into windows,
 * the others are repeated once per window. Arrays without the sample dim (constants) are returned unchanged.
 */
export function windowArrays(source: string, arrays: ReadonlyMap<string, ValidatedArray>, sampleDim: string, options: WindowOptions): Windowed {
  const { dim, size, stride } = options;
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(stride) || stride < 1) {
    throw new RangeError(`windows need a positive integer size and stride, got size ${size}, stride ${stride}`);
  }
  let frames: number | undefined;
  let framesKey = '';
  for (const [key, a] of arrays) {
    if (!a.dims.includes(dim)) continue;
    const fail = (reason: string, fix: string): never => {
      throw new DataContractError(source, key, reason, fix);
    };
    if (!a.dims.includes(sampleDim)) fail(`has a "${dim}" axis to window but no "${sampleDim}" axis`, `Add a "${sampleDim}" axis (of size 1 for one trajectory) to its dims`);
    const t = a.shape[a.dims.indexOf(dim)];
    if (frames !== undefined && t !== frames) fail(`has ${t} frames along "${dim}" but "${framesKey}" has ${frames}`, 'Windowed arrays must have the same number of frames');
    if (t < size) fail(`has ${t} frames along "${dim}", fewer than the window size ${size}`, 'Lower windows.size or provide longer trajectories');
    frames = t;
    framesKey = key;
  }
  if (frames === undefined) {
    throw new DataError(`${source}: no key has the window dim "${dim}" (keys: ${[...arrays.keys()].join(', ')}): name it in the contract dims, or drop windows`, source);
  }
  const perSample = Math.floor((frames - size) / stride) + 1;
  const out = new Map<string, ValidatedArray>();
  for (const [key, a] of arrays) {
    if (!a.dims.includes(sampleDim)) out.set(key, a);
    else if (a.dims.includes(dim)) out.set(key, cut(a, sampleDim, options, perSample));
    else out.set(key, repeat(a, sampleDim, perSample));
  }
  return { arrays: out, perSample };
}

/** (sample, dim, rest...) → (sample·W, size, rest...): one contiguous copy per window. */
function cut(a: ValidatedArray, sampleDim: string, { dim, size, stride }: WindowOptions, perSample: number): ValidatedArray {
  const t = permute(a, [sampleDim, dim, ...a.dims.filter((d) => d !== sampleDim && d !== dim)]);
  const [samples, frames] = t.shape;
  const starts = Int32Array.from({ length: samples * perSample }, (_, i) => Math.floor(i / perSample) * frames + (i % perSample) * stride);
  // Rows here are single frames: (sample, frame) flattened, so a window is `size` consecutive rows.
  const data = gatherRows(t.data, t.dtype, sizeOf(t.shape.slice(2)), starts, size);
  return withUnits(namedTensor(t.dtype, [samples * perSample, size, ...t.shape.slice(2)], t.dims, data), a.units);
}

/** (sample, rest...) → (sample·W, rest...), each sample repeated W times in a row. */
function repeat(a: ValidatedArray, sampleDim: string, perSample: number): ValidatedArray {
  const t = permute(a, [sampleDim, ...a.dims.filter((d) => d !== sampleDim)]);
  const samples = t.shape[0];
  const starts = Int32Array.from({ length: samples * perSample }, (_, i) => Math.floor(i / perSample));
  const data = gatherRows(t.data, t.dtype, sizeOf(t.shape.slice(1)), starts);
  return withUnits(namedTensor(t.dtype, [samples * perSample, ...t.shape.slice(1)], t.dims, data), a.units);
}

function withUnits(t: NamedTensor, units: string | undefined): ValidatedArray {
  return units === undefined ? t : { ...t, units };
}
