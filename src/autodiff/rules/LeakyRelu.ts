import type { GradRule } from '../rule.ts';

/** d leaky_relu(x) = g where x > 0, else α·g. */
export const LeakyReluGrad: GradRule = {
  op: 'LeakyRelu',
  grad: ({ b, g, x: [x], scalar, attr }) => [
    b.op1('Where', [b.op1('Greater', [x!, scalar(0)]), g, b.mul(g, scalar(attr<number>('alpha')))]),
  ],
};
