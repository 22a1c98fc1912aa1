import type { LrSchedule } from '../../../src/train/schedules/lr-schedule.ts';

/** The LR used at optimizer steps 0..n-1: read `lr`, then `step(metric)`, as a training loop does. */
export function lrSequence(schedule: LrSchedule, n: number, metrics?: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    out.push(schedule.lr);
    schedule.step(metrics?.[k]);
  }
  return out;
}

/** Element-wise |a − e| ≤ rtol·|e|, reporting the first index that fails. */
export function expectSequenceClose(actual: readonly number[], expected: readonly number[], rtol: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= rtol * Math.abs(expected[i]))) {
      throw new Error(`step ${i}: got ${actual[i]}, expected ${expected[i]} (|err| ${err.toExponential(2)} > rtol ${rtol})`);
    }
  }
}
