import type { GradRule } from '../rule.ts';

/** Trilu keeps one triangle and zeroes the rest: the gradient keeps the same triangle of g. */
export const TriluGrad: GradRule = {
  op: 'Trilu',
  grad({ b, g, x: [, k], attr }) {
    return [b.op1('Trilu', k ? [g, k] : [g], { upper: attr<number>('upper') }), null];
  },
};
