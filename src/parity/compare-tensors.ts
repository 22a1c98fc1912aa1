import { isFloat } from '../graph/dtype.ts';
import { fmtShape, sameShape } from '../graph/shape-utils.ts';
import type { Tensor } from '../graph/tensor.ts';
import { toJsonFloat, type TensorComparison, type TensorMetrics, type Tolerance } from './report.ts';

type Role = TensorComparison['role'];

/**
 * Compares one tensor of the side under test (`actual`) with the reference (`expected`), the way
 * torch.testing.assert_close does: dtype and shape FIRST (a mismatch there is the verdict, values are not
 * looked at), then element-wise `|a − e| ≤ atol + rtol·|e|` with the expected side scaling the tolerance.
 * Non-finite values must match exactly (NaN with NaN, +Inf with +Inf); a NaN against a number is outside.
 */
export function compareTensors(name: string, role: Role, actual: Tensor | undefined, expected: Tensor | undefined, tol: Tolerance, skip?: ReadonlySet<number>): TensorComparison {
  const type = (t: Tensor | undefined) => (t ? { dtype: t.dtype, shape: [...t.shape] } : null);
  const base = { name, role, expected: type(expected), actual: type(actual) };
  if (!expected) return { ...base, verdict: 'fail', problem: `the reference produced no "${name}"` };
  if (!actual) return { ...base, verdict: 'fail', problem: `the backend produced no "${name}"` };
  if (actual.dtype !== expected.dtype) return { ...base, verdict: 'fail', problem: `dtype ${actual.dtype}, the reference has ${expected.dtype}` };
  if (!sameShape(actual.shape, expected.shape)) return { ...base, verdict: 'fail', problem: `shape ${fmtShape(actual.shape)}, the reference has ${fmtShape(expected.shape)}` };
  const metrics = tensorMetrics(actual, expected, isFloat(expected.dtype) ? tol : { ...tol, rtol: 0, atol: 0 }, skip);
  return { ...base, verdict: metrics.allclose ? 'pass' : 'fail', metrics };
}

/** `skip`: flat indices left out of every metric (elements judged by another rule, src/parity/noise-gradients.ts). */
export function tensorMetrics(actual: Tensor, expected: Tensor, tol: Tolerance, skip?: ReadonlySet<number>): TensorMetrics {
  const n = expected.data.length;
  let maxAbs = 0;
  let maxRel = 0;
  let diff2 = 0;
  let exp2 = 0;
  let act2 = 0;
  let dot = 0;
  let outside = 0;
  let worst = n > 0 ? 0 : -1;
  let worstScore = -Infinity;
  let maxUlp = 0;
  for (let i = 0; i < n; i++) {
    if (skip?.has(i)) continue;
    const a = Number(actual.data[i]);
    const e = Number(expected.data[i]);
    let score: number;
    if (!Number.isFinite(a) || !Number.isFinite(e)) {
      const same = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
      if (!same) {
        outside++;
        maxAbs = Infinity;
        maxRel = Infinity;
        diff2 = Infinity;
      }
      score = same ? -Infinity : Infinity;
    } else {
      const d = Math.abs(a - e);
      maxAbs = Math.max(maxAbs, d);
      if (e !== 0) maxRel = Math.max(maxRel, d / Math.abs(e));
      diff2 += d * d;
      exp2 += e * e;
      act2 += a * a;
      dot += a * e;
      maxUlp = Math.max(maxUlp, d / ulp(e, expected.dtype));
      const allowed = tol.atol + tol.rtol * Math.abs(e);
      if (d > allowed) outside++;
      // Rank by how far past the tolerance an element is, so the worst index points at what broke the verdict.
      score = d - allowed;
    }
    if (score > worstScore) {
      worstScore = score;
      worst = i;
    }
  }
  const relL2 = diff2 === 0 ? 0 : exp2 === 0 ? Infinity : Math.sqrt(diff2) / Math.sqrt(exp2);
  const cosine = exp2 === 0 && act2 === 0 ? 1 : exp2 === 0 || act2 === 0 ? 0 : dot / Math.sqrt(exp2 * act2);
  return {
    count: n,
    maxAbs: toJsonFloat(maxAbs),
    maxRel: toJsonFloat(maxRel),
    relL2: toJsonFloat(relL2),
    cosine: toJsonFloat(Number.isFinite(diff2) ? cosine : NaN),
    allclose: outside === 0,
    outside,
    outsideShare: n === 0 ? 0 : outside / n,
    worstIndex: worst < 0 ? [] : unravel(worst, expected.shape),
    worstActual: toJsonFloat(worst < 0 ? 0 : Number(actual.data[worst])),
    worstExpected: toJsonFloat(worst < 0 ? 0 : Number(expected.data[worst])),
    maxUlp: toJsonFloat(maxUlp),
  };
}

/** The spacing of the dtype's floats at |x| (the subnormal spacing near 0); 1 for integer dtypes. */
function ulp(x: number, dtype: string): number {
  const mantissa = dtype === 'float32' ? 23 : dtype === 'float64' ? 52 : 0;
  if (mantissa === 0) return 1;
  const minExp = dtype === 'float32' ? -126 : -1022;
  const exp = x === 0 ? minExp : Math.max(minExp, Math.floor(Math.log2(Math.abs(x))));
  return 2 ** (exp - mantissa);
}

/** Flat row-major index → multi-index. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return index;
}

/** Compares two scalars (loss values) with the tensor rule, as rank-0 float64 tensors of the program dtype. */
export function scalarTensor(dtype: 'float32' | 'float64', value: number): Tensor {
  const data = dtype === 'float32' ? new Float32Array([value]) : new Float64Array([value]);
  return { dtype, shape: [], data };
}
