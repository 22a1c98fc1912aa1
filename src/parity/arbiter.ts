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

/** How a tensor's values are measured against float64: as they are, or (Adam's second moments) as square roots. */
export type Units = (v: number) => number;
const asIs: Units = (v) => v;
const SECOND_MOMENT = /\/(max_)?exp_avg_sq$/;

/**
 * Adam's second moments (`exp_avg_sq`, `max_exp_avg_sq`) hold squared gradients, and Adam uses them only as √v̂.
 * Squaring turns a gradient's error δg into 2|g|·δg, so the max error of the square is decided by the one element
 * where a large |g| meets a large δg, and a slot could fail while the gradient it squares is within (measured:
 * efficientnet_b0 on onnxruntime, torch on AVX2 kernels: `features.2.0.block.2.fc1.weight`'s gradient 2.8× the
 * reference's distance from float64, its exp_avg 2.8×, its exp_avg_sq 6.7×). Their square roots are in the gradient's
 * units, where ||a| − |b|| ≤ |a − b| keeps them within whenever the gradients are; a wrong β₂ still moves √v by a
 * factor (√10 for 0.99 against 0.999).
 */
export function unitsOf(name: string): { readonly units: Units; readonly measuredOn?: 'sqrt' } {
  return SECOND_MOMENT.test(name) ? { units: Math.sqrt, measuredOn: 'sqrt' } : { units: asIs };
}

/** max |x − truth| over the elements not in `skip` (in `units`); Infinity where a finite truth meets a non-finite value. */
export function maxAbsError(x: Tensor, truth: Tensor, skip?: ReadonlySet<number>, units: Units = asIs): number {
  let worst = 0;
  for (let i = 0; i < truth.data.length; i++) {
    if (skip?.has(i)) continue;
    const a = units(Number(x.data[i]));
    const t = units(Number(truth.data[i]));
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
  /** A second float32 run of the reference (the batch reversed, on other CPU kernels where it has them): its error counts too, the larger one wins. */
  second?: Tensor,
): TensorComparison {
  if (c.problem || !ours || !ref || !truth || truth.data.length !== ref.data.length) return c;
  if (c.verdict === 'pass' && !c.arbiter) return c;
  const { units, measuredOn } = unitsOf(c.name);
  const { oursError, referenceError, resolution, within } = measureAgainstFloat64(ours, ref, truth, skip, second, units);
  return {
    ...c,
    verdict: within ? 'pass' : 'fail',
    arbiter: {
      oursError: toJsonFloat(oursError),
      referenceError: toJsonFloat(referenceError),
      resolution: toJsonFloat(resolution),
      ...(measuredOn ? { measuredOn } : {}),
      ...(second ? { referenceRuns: 2 } : {}),
      multiple: ARBITER_MULTIPLE,
      verdict: within ? 'within-reference-error' : 'further-than-reference',
    },
  };
}

/**
 * The arbiter's rule on one tensor: both sides' max abs error against float64 (in `units`), and whether ours is
 * within. `refTruth` is what the reference's runs are measured against where float64 differs per side (the kink
 * rule: float64 on each side's pieces of a flipped kink, judge-kinks.ts); `truth` otherwise.
 */
export function measureAgainstFloat64(ours: Tensor, ref: Tensor, truth: Tensor, skip?: ReadonlySet<number>, second?: Tensor, units: Units = asIs, refTruth: Tensor = truth) {
  const oursError = maxAbsError(ours, truth, skip, units);
  const referenceError = Math.max(maxAbsError(ref, refTruth, skip, units), second && second.data.length === truth.data.length ? maxAbsError(second, refTruth, skip, units) : 0);
  const resolution = ref.dtype === 'float32' ? float32Spacing(truth, skip, units) : 0;
  return { oursError, referenceError, resolution, within: oursError <= ARBITER_MULTIPLE * Math.max(referenceError, resolution) };
}

/** The spacing of float32 numbers at the largest |value| of `truth` in `units` (2⁻²³ relative; 0 for an all-zero tensor). */
export function float32Spacing(truth: Tensor, skip?: ReadonlySet<number>, units: Units = asIs): number {
  let largest = 0;
  for (let i = 0; i < truth.data.length; i++) if (!skip?.has(i)) largest = Math.max(largest, Math.abs(units(Number(truth.data[i]))));
  return largest === 0 || !Number.isFinite(largest) ? 0 : 2 ** (Math.floor(Math.log2(largest)) - 23);
}

/** One sentence per comparison the arbiter decided, with both numbers. */
export function arbiterNotes(tensors: readonly TensorComparison[]): string[] {
  return tensors.flatMap((t) => {
    // A parameter passed by backward stability has its own sentence (update-from-slots.ts).
    if (!t.arbiter || t.fromSlots?.within) return [];
    const { oursError, referenceError, verdict, referenceRuns, measuredOn } = t.arbiter;
    const how = verdict === 'within-reference-error' ? "within the reference's float32 error" : `further from float64 than ${ARBITER_MULTIPLE}× the reference`;
    const runs = referenceRuns ? `, the larger of ${referenceRuns} runs: the batches in order, and reversed on torch's other CPU kernels where it has them` : '';
    const on = measuredOn === 'sqrt' ? ', measured on the square roots' : '';
    return [`${t.name}: ${how} (max abs error vs float64: backend ${fmt(oursError)}, float32 reference ${fmt(referenceError)}${runs}${on})`];
  });
}

const fmt = (x: number | string) => (typeof x === 'number' ? x.toPrecision(3) : x);
