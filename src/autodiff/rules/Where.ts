import type { GradRule } from '../rule.ts';

/** Where(c, a, b): the gradient goes to a where c holds and to b elsewhere; the condition has none. */
export const WhereGrad: GradRule = {
  op: 'Where',
  grad({ b, g, x: [c], scalar }) {
    const zero = scalar(0);
    return [null, b.op1('Where', [c!, g, zero]), b.op1('Where', [c!, zero, g])];
  },
};
