import type { NamedTensor } from './named-tensor.ts';

export interface NonFinite {
  /** Multi-index of the first NaN/±Inf element, one entry per axis of the tensor. */
  readonly index: number[];
  /** 'NaN', 'Infinity' or '-Infinity' (for complex, the first offending part). */
  readonly value: string;
  /** Elements (not complex parts) holding a NaN/±Inf. */
  readonly count: number;
}

/** Scans a float or complex tensor once for NaN/±Inf; integer and bool tensors cannot hold them. */
export function findNonFinite(t: NamedTensor): NonFinite | undefined {
  if (t.dtype !== 'float32' && t.dtype !== 'float64' && t.dtype !== 'complex64') return undefined;
  const data = t.data as Float32Array | Float64Array;
  const lanes = t.dtype === 'complex64' ? 2 : 1;
  let first = -1; // element index
  let firstValue = 0;
  let count = 0;
  for (let e = 0, i = 0; i < data.length; e++) {
    let bad = false;
    for (let l = 0; l < lanes; l++, i++) {
      const v = data[i];
      // v - v is NaN exactly for NaN and ±Inf, and costs less than Number.isFinite's call.
      if (v - v !== 0 && !bad) {
        bad = true;
        if (first < 0) (first = e), (firstValue = v);
      }
    }
    if (bad) count++;
  }
  if (first < 0) return undefined;
  let flat = first;
  const index = new Array<number>(t.shape.length);
  for (let a = t.shape.length - 1; a >= 0; a--) {
    index[a] = flat % t.shape[a];
    flat = Math.floor(flat / t.shape[a]);
  }
  return { index, value: String(firstValue), count };
}
