import type { GradRule, ParamSpec } from './optimizer-harness.ts';

/** Two parameters of different shapes, so per-parameter slots and the global clipping norm are both exercised. */
export const PARAMS: readonly ParamSpec[] = [
  { name: 'w', shape: [3], init: [1, -2, 0.5] },
  { name: 'b', shape: [2, 2], init: [0.3, -0.7, 1.5, 2.0] },
];

/** A gradient that depends on the parameter (so weight decay and the trajectory matter) and oscillates (so amsgrad's max matters). */
export const GRAD: GradRule = (p, i, j, k) => 0.5 * p + Math.sin(1.3 * k + 0.7 * i + 0.4 * j);

/** A varying LR, as a schedule would feed it. */
export const lrAt = (base: number) => (k: number) => base * (1 + 0.5 * Math.cos(0.3 * k));

export const STEPS = 25;
