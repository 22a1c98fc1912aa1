import { tensor, type Tensor } from '../graph/tensor.ts';
import type { OptimizerOptions } from '../train/optimizers/optimizer-options.ts';
import { adamUpdate, secondMomentSlot } from './adam-formula.ts';
import { ARBITER_MULTIPLE, float32Spacing, maxAbsError, measureAgainstFloat64, unitsOf } from './arbiter.ts';
import { toJsonFloat, type TensorComparison } from './report.ts';

/** The states one Adam update is judged on: before it (per side) and after it (per side, and float64's). */
export interface UpdateStates {
  readonly before: { readonly ours: ReadonlyMap<string, Tensor>; readonly ref: ReadonlyMap<string, Tensor> };
  readonly ours: ReadonlyMap<string, Tensor>;
  readonly ref: ReadonlyMap<string, Tensor>;
  readonly truth: ReadonlyMap<string, Tensor>;
  /** float64's state the reference is measured against, where it differs from the backend's (the kink rule); `truth` otherwise. */
  readonly refTruth?: ReadonlyMap<string, Tensor>;
  /** Update number (1-based) and each side's LR. */
  readonly index: number;
  readonly lr: { readonly ours: number; readonly ref: number };
}

/**
 * A parameter after one Adam update, still further from float64 than the reference, judged by backward
 * stability (specs/parity.md "Updates near Adam's eps"). Adam's step lr·m̂/(√v̂ + eps) is ill-conditioned where
 * |gradient| is near eps: d(step)/dg = lr·eps/(|g| + eps)², 2.5·10⁵ at g = eps for lr 1e-2, so a gradient's float32
 * rounding (a few % for a 3.6e-8 gradient summed from terms of ~1e-2: cancellation) moves the parameter by
 * 10⁻³·lr, differently on every engine, and one tensor's worst element can be 4× further on a backend by where its
 * roundings fell. What a backend can be asked is what it controls: slots within the reference's float32 error of
 * float64's (the arbiter's rule on each slot, whatever the tolerance said), and a parameter that IS Adam's
 * formula (adam-formula.ts, float64) applied to its own slots and its own value before the update, as closely as
 * the reference's parameter is to the formula applied to the reference's slots. Then its parameter is the exact
 * update of slots that are right to float32 precision, and the difference from float64 is Adam's conditioning, not
 * the backend. A wrong bias correction, eps placement or lr scaling is not the formula (the mutation suite's
 * Adam without bias correction misses it by 3× lr); a wrong slot update fails the slots.
 */
export function judgeFromSlots(c: TensorComparison, options: OptimizerOptions, s: UpdateStates, skip?: ReadonlySet<number>): TensorComparison {
  const name = c.name;
  const formula = { ours: adamUpdate(options, s.lr.ours, s.index), ref: adamUpdate(options, s.lr.ref, s.index) };
  const [ours, ref, truth] = [s.ours.get(name), s.ref.get(name), s.truth.get(name)];
  if (c.arbiter?.verdict !== 'further-than-reference' || !formula.ours || !formula.ref || !ours || !ref || !truth) return c;
  const slots = ['exp_avg', secondMomentSlot(options)].map((k) => `${name}/${k}`);
  const slotsWithin = slots.every((k) => {
    const [a, e, t, rt] = [s.ours.get(k), s.ref.get(k), s.truth.get(k), (s.refTruth ?? s.truth).get(k)];
    return a && e && t && rt && measureAgainstFloat64(a, e, t, skip, undefined, unitsOf(k).units, rt).within;
  });
  if (!slotsWithin) return c;
  const fromOwnSlots = (side: 'ours' | 'ref') => {
    const [before, after] = [s.before[side].get(name), s[side]];
    const [m, v] = slots.map((k) => after.get(k)!);
    if (!before) return undefined;
    const f = formula[side]!;
    return tensor('float64', before.shape, Float64Array.from(before.data as Float32Array, (p, i) => f(Number(p), Number(m.data[i]), Number(v.data[i]))));
  };
  const [fOurs, fRef] = [fromOwnSlots('ours'), fromOwnSlots('ref')];
  if (!fOurs || !fRef) return c;
  const oursError = maxAbsError(ours, fOurs, skip);
  const referenceError = maxAbsError(ref, fRef, skip);
  const resolution = ref.dtype === 'float32' ? float32Spacing(fRef, skip) : 0;
  const within = oursError <= ARBITER_MULTIPLE * Math.max(referenceError, resolution);
  return {
    ...c,
    verdict: within ? 'pass' : 'fail',
    fromSlots: { oursError: toJsonFloat(oursError), referenceError: toJsonFloat(referenceError), resolution: toJsonFloat(resolution), multiple: ARBITER_MULTIPLE, within },
  };
}

/** One sentence per parameter the backward-stability rule passed. */
export function fromSlotsNotes(tensors: readonly TensorComparison[]): string[] {
  return tensors.flatMap((t) => {
    if (!t.fromSlots?.within || !t.arbiter) return [];
    const f = (x: number | string) => (typeof x === 'number' ? x.toPrecision(3) : x);
    return [
      `${t.name}: further from float64 than ${ARBITER_MULTIPLE}× the reference (backend ${f(t.arbiter.oursError)}, float32 reference ${f(t.arbiter.referenceError)}), but its slots are within the reference's float32 error and its value is Adam's update of them (formula error: backend ${f(t.fromSlots.oursError)}, reference ${f(t.fromSlots.referenceError)}): the difference is Adam's sensitivity where a gradient is near eps`,
    ];
  });
}
