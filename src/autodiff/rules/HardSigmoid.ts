import type { GradRule } from '../rule.ts';

/** d max(0, min(1, α·x + β)) = g·α where 0 < α·x + β < 1, else 0 (open interval, as torch's hardsigmoid). */
export const HardSigmoidGrad: GradRule = {
  op: 'HardSigmoid',
  grad({ b, g, x: [x], attr, scalar }) {
    const alpha = scalar(attr<number>('alpha'));
    const v = b.add(b.mul(x!, alpha), scalar(attr<number>('beta')));
    const zero = scalar(0);
    return [b.where(b.greater(v, zero), b.where(b.less(v, scalar(1)), b.mul(g, alpha), zero), zero)];
  },
};
