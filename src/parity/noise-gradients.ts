import type { Tensor } from '../graph/tensor.ts';
import { compareTensors, unravel } from './compare-tensors.ts';
import { toJsonFloat, type TensorComparison, type Tolerance } from './report.ts';

/**
 * Exactly-zero gradients (specs/parity.md "Noise-level gradients"). A parameter element whose gradient is 0 in
 * exact arithmetic (the key part of an attention in_proj bias: softmax ignores a constant added to a row of
 * scores) gets rounding noise on every engine, float64 included, and Adam turns noise into steps of ±lr in
 * arbitrary directions: no side's value for it is more right than another's. Such elements are found by float64:
 * rounding error shrinks by ε64/ε32 = 2⁻²⁹ from float32 to float64, so a float64 gradient that is no larger than
 * the float32 sides' own errors scaled down by that factor (with a margin of 2¹⁰ for summation orders) is itself
 * rounding error, where a real gradient (its float32 errors ~ε32 times the terms summed) is larger than that by
 * many orders of magnitude. These elements are left out of value comparisons of the parameter and its slots and
 * judged by what can be right about them: each side's update within Adam's bound (adam-bound.ts). Outputs,
 * losses and every other element are compared as always, so an element that does affect them still fails there.
 */
const FLOAT64_OVER_FLOAT32 = 2 ** -29;
const MARGIN = 2 ** 10;

/** Flat indices per parameter name (only parameters with such elements). */
export type NoiseElements = ReadonlyMap<string, ReadonlySet<number>>;

export function noiseLevelElements(
  params: readonly string[],
  ours: ReadonlyMap<string, Tensor>,
  ref: ReadonlyMap<string, Tensor>,
  truth: ReadonlyMap<string, Tensor>,
): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const p of params) {
    const [a, e, t] = [ours.get(p), ref.get(p), truth.get(p)];
    if (!a || !e || !t || a.data.length !== t.data.length || e.data.length !== t.data.length) continue;
    const found = new Set<number>();
    for (let i = 0; i < t.data.length; i++) {
      const g64 = Number(t.data[i]);
      const err32 = Math.max(Math.abs(Number(a.data[i]) - g64), Math.abs(Number(e.data[i]) - g64));
      // err32 = 0: every side computed the same number (a dead ReLU's exact 0), which compares as any value does.
      if (err32 > 0 && Math.abs(g64) <= MARGIN * FLOAT64_OVER_FLOAT32 * err32) found.add(i);
    }
    if (found.size) out.set(p, found);
  }
  return out;
}

/**
 * A parameter's comparison with its noise-level elements left out of the values and judged by the bound on each
 * side's update from `start` instead (no bound known: the elements are compared as always).
 */
export function judgeNoiseParam(
  name: string,
  ours: Tensor | undefined,
  ref: Tensor | undefined,
  start: Tensor,
  elements: ReadonlySet<number>,
  bound: number | undefined,
  tol: Tolerance,
): TensorComparison {
  const plain = compareTensors(name, 'param', ours, ref, tol);
  if (bound === undefined || !ours || !ref || plain.problem) return plain;
  const masked = compareTensors(name, 'param', ours, ref, tol, elements);
  let largest = 0;
  for (const i of elements) {
    for (const side of [ours, ref]) largest = Math.max(largest, Math.abs(Number(side.data[i]) - Number(start.data[i])));
  }
  // The bound holds in exact arithmetic; the stage's tolerance covers the float32 rounding of the update itself.
  const withinBound = largest <= bound * (1 + tol.rtol) + tol.atol;
  return {
    ...masked,
    verdict: masked.verdict === 'pass' && withinBound ? 'pass' : 'fail',
    noise: { elements: [...elements].map((i) => unravel(i, start.shape)), bound: toJsonFloat(bound), largestUpdate: toJsonFloat(largest), withinBound },
  };
}

/**
 * `n elements judged as noise-level gradients: p[8]–p[15]; q: 64 elements, q[0, 0, 1], q[0, 1, 1], …`, or nothing
 * when there are none. Consecutive elements are shown as ranges, at most four per parameter.
 */
export function noiseNote(noise: NoiseElements, shapes: ReadonlyMap<string, readonly number[]>): string[] {
  let n = 0;
  const parts: string[] = [];
  for (const [p, set] of noise) {
    n += set.size;
    const shape = shapes.get(p) ?? [];
    const at = (i: number) => `${p}[${unravel(i, shape).join(', ')}]`;
    const sorted = [...set].sort((x, y) => x - y);
    const ranges: string[] = [];
    for (let k = 0; k < sorted.length; ) {
      let j = k;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      ranges.push(j === k ? at(sorted[k]) : `${at(sorted[k])}–${at(sorted[j])}`);
      k = j + 1;
    }
    const shown = ranges.length > 4 ? [...ranges.slice(0, 4), '…'] : ranges;
    parts.push(ranges.length > 4 ? `${p}: ${set.size} elements, ${shown.join(', ')}` : shown.join(', '));
  }
  if (n === 0) return [];
  return [`${n} element${n === 1 ? '' : 's'} judged as noise-level gradients (float64 gradient at rounding level; each update checked against Adam's bound instead of compared): ${parts.join('; ')}`];
}
