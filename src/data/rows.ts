import { allocateData, lanesOf, type DataArray, type DataDType } from './data-dtype.ts';

/**
 * Row gathering along axis 0, the one copy loop behind batch stacking and windowing: for each start, copies
 * `rowsPerTake` consecutive rows of `rowElements` elements. One typed-array `set` per take, never per element.
 */
export function gatherRows(src: DataArray, dtype: DataDType, rowElements: number, starts: ArrayLike<number>, rowsPerTake = 1): DataArray {
  const row = rowElements * lanesOf(dtype);
  const block = row * rowsPerTake;
  const out = allocateData(dtype, starts.length * rowsPerTake * rowElements);
  // subarray/set behave the same on every typed array; the cast only picks one signature for the compiler.
  const from = src as Float32Array;
  const to = out as Float32Array;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] * row;
    if (start < 0 || start + block > src.length) throw new RangeError(`row ${starts[i]} (+${rowsPerTake}) is outside the ${src.length / row} rows`);
    to.set(from.subarray(start, start + block), i * block);
  }
  return out;
}
