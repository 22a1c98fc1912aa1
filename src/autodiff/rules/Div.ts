import type { GradRule } from '../rule.ts';

/** d(a/c) = (g/c, −g·y/c), with y = a/c reused from the forward pass. */
export const DivGrad: GradRule = {
  op: 'Div',
  grad: ({ b, g, x: [, c], y: [y] }) => [b.div(g, c!), b.neg(b.div(b.mul(g, y), c!))],
};
