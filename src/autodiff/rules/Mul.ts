import type { GradRule } from '../rule.ts';

/** d(a·b) = (g·b, g·a). */
export const MulGrad: GradRule = {
  op: 'Mul',
  grad: ({ b, g, x: [a, c] }) => [b.mul(g, c!), b.mul(g, a!)],
};
