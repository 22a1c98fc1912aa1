import type { GradRule } from '../rule.ts';

/** d|x| = g·sign(x), with sign(0) = 0 as in torch; written with Where so it stays in forward ops. */
export const AbsGrad: GradRule = {
  op: 'Abs',
  grad({ b, g, x: [x], scalar }) {
    const zero = scalar(0);
    const negative = b.op1('Where', [b.op1('Less', [x!, zero]), b.neg(g), zero]);
    return [b.op1('Where', [b.op1('Greater', [x!, zero]), g, negative])];
  },
};
