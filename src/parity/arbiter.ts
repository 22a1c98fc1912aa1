import type { Tensor } from '../graph/tensor.ts';
import { toJsonFloat, type TensorComparison } from './report.ts';

/**
 * The float64 arbiter (specs/parity.md "The float64 arbiter"). A float32 reference is not the truth; the same
 * stage computed in float64 from the same state is, to within float32's resolution. When a float32 comparison
 * fails, both float32 sides are measured against float64 (max abs error over the compared elements): a backend
 * no further than ARBITER_MULTIPLE times the float32 reference's own error passes, "within the reference's float32
 * error"; one further than that fails as before. Two float32 engines that sum in different orders have errors of
 * the same size, a few times apart either way; a wrong op or rule is orders of magnitude further, so 4 leaves room
 * for the first and none for the second. No float32 result can be asked to be closer to float64 than float32 can
 * resolve, so the reference's error counts as at least the float32 spacing at the tensor's largest |value| (a sum
 * torch happens to round to within 0.04 ULP does not make onnxruntime's 1 ULP wrong). If the
 * reference is exact (error 0), so must the backend be.
 */
export const ARBITER_MULTIPLE = 4;

/** max |x − truth| over the elements not in `skip`; Infinity where a finite truth meets a non-finite value. */
export function maxAbsError(x: Tensor, truth: Tensor, skip?: ReadonlySet<number>): number {
  let worst = 0;
  for (let i = 0; i < truth.data.length; i++) {
    if (skip?.has(i)) continue;
    const a = Number(x.data[i]);
    const t = Number(truth.data[i]);
    if (Number.isNaN(a) && Number.isNaN(t)) continue;
    const d = Math.abs(a - t);
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  return worst;
}

/**
 * A failed float32 comparison judged against float64 `truth`. Comparisons that passed, or failed before values
 * were looked at (a missing side, dtype, shape), are returned as they are.
 */
export function arbitrate(
  c: TensorComparison,
  ours: Tensor | undefined,
  ref: Tensor | undefined,
  truth: Tensor | undefined,
  skip?: ReadonlySet<number>,
  /** A second float32 run of the reference (the batch reversed): its error counts too, the larger one wins. */
  second?: Tensor,
): TensorComparison {
  if (c.problem || !ours || !ref || !truth || truth.data.length !== ref.data.length) return c;
  if (c.verdict === 'pass' && !c.arbiter) return c;
  const { oursError, referenceError, resolution, within } = measureAgainstFloat64(ours, ref, truth, skip, second);
  return {
    ...c,
    verdict: within ? 'pass' : 'fail',
    arbiter: {
      oursError: toJsonFloat(oursError),
      referenceError: toJsonFloat(referenceError),
      resolution: toJsonFloat(resolution),
      ...(second ? { referenceRuns: 2 } : {}),
      multiple: ARBITER_MULTIPLE,
      verdict: within ? 'within-reference-error' : 'further-than-reference',
    },
  };
}

/**
 * The arbiter's rule on one tensor: both sides' max abs error against float64, and whether ours is within.
 * `refTruth` is what the reference's runs are measured against where float64 differs per side (the kink rule:
 * float64 on each side's pieces of a flipped kink, judge-kinks.ts); `truth` otherwise.
 */
export function measureAgainstFloat64(ours: Tensor, ref: Tensor, truth: Tensor, skip?: ReadonlySet<number>, second?: Tensor, refTruth: Tensor = truth) {
  const oursError = maxAbsError(ours, truth, skip);
  const referenceError = Math.max(maxAbsError(ref, refTruth, skip), second && second.data.length === truth.data.length ? maxAbsError(second, refTruth, skip) : 0);
  const resolution = ref.dtype === 'float32' ? float32Spacing(truth, skip) : 0;
  return { oursError, referenceError, resolution, within: oursError <= ARBITER_MULTIPLE * Math.max(referenceError, resolution) };
}

/** The spacing of float32 numbers at the largest |value| of `truth` (2⁻²³ relative; 0 for an all-zero tensor). */
export function float32Spacing(truth: Tensor, skip?: ReadonlySet<number>): number {
  let largest = 0;
  for (let i = 0; i < truth.data.length; i++) if (!skip?.has(i)) largest = Math.max(largest, Math.abs(Number(truth.data[i])));
  return largest === 0 || !Number.isFinite(largest) ? 0 : 2 ** (Math.floor(Math.log2(largest)) - 23);
}

/** One sentence per comparison the arbiter decided, with both numbers. */
export function arbiterNotes(tensors: readonly TensorComparison[]): string[] {
  return tensors.flatMap((t) => {
    // A parameter passed by backward stability has its own sentence (update-from-slots.ts).
    if (!t.arbiter || t.fromSlots?.within) return [];
    const { oursError, referenceError, verdict, referenceRuns } = t.arbiter;
    const how = verdict === 'within-reference-error' ? "within the reference's float32 error" : `further from float64 than ${ARBITER_MULTIPLE}× the reference`;
    const runs = referenceRuns ? `, the larger of ${referenceRuns} runs: the batches in order and reversed` : '';
    return [`${t.name}: ${how} (max abs error vs float64: backend ${fmt(oursError)}, float32 reference ${fmt(referenceError)}${runs})`];
  });
}

const fmt = (x: number | string) => (typeof x === 'number' ? x.toPrecision(3) : x);
