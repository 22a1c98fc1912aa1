import type { GradRule } from '../rule.ts';

/** d relu(x) = g where x > 0, else 0 (0 at x = 0, as in torch). Its own derivative is 0 through Where. */
export const ReluGrad: GradRule = {
  op: 'Relu',
  grad: ({ b, g, x: [x], scalar }) => [b.op1('Where', [b.op1('Greater', [x!, scalar(0)]), g, scalar(0)])],
};
