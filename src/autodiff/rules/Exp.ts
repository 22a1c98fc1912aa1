import type { GradRule } from '../rule.ts';

/** d eˣ = g·y. */
export const ExpGrad: GradRule = {
  op: 'Exp',
  grad: ({ b, g, y: [y] }) => [b.mul(g, y)],
};
