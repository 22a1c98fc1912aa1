import type { Tensor } from '../graph/tensor.ts';
import { fmtShape, sameShape } from '../graph/shape-utils.ts';

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * numpy.allclose semantics (|got − want| ≤ atol + rtol·|want|, NaN equals NaN), after dtype and shape.
 * Integer and bool tensors compare exactly. Returns undefined when equal, else a sentence saying where not.
 */
export function mismatch(got: Tensor, want: Tensor, tol: Tolerance): string | undefined {
  if (got.dtype !== want.dtype) return `dtype ${got.dtype}, expected ${want.dtype}`;
  if (!sameShape(got.shape, want.shape)) return `shape ${fmtShape(got.shape)}, expected ${fmtShape(want.shape)}`;
  const exact = got.dtype !== 'float32' && got.dtype !== 'float64';
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < want.data.length; i++) {
    const g = Number(got.data[i]);
    const w = Number(want.data[i]);
    if (Number.isNaN(g) && Number.isNaN(w)) continue;
    if (exact ? got.data[i] === want.data[i] : Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w)) continue;
    bad++;
    const excess = Math.abs(g - w) - tol.atol - tol.rtol * Math.abs(w);
    if (worst < 0 || excess > worstExcess || Number.isNaN(excess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (bad === 0) return undefined;
  return `${bad} of ${want.data.length} values differ; worst at flat index ${worst}: got ${got.data[worst]}, expected ${want.data[worst]} (rtol ${tol.rtol}, atol ${tol.atol})`;
}
