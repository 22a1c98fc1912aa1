import type { GradRule } from '../rule.ts';

/** d x/(1 + |x|) = g/(1 + |x|)². */
export const SoftsignGrad: GradRule = {
  op: 'Softsign',
  grad({ b, g, x: [x], scalar }) {
    const d = b.add(scalar(1), b.abs(x!));
    return [b.div(g, b.mul(d, d))];
  },
};
