import type { GradRule } from '../rule.ts';

/** d sin x = g·cos x. */
export const SinGrad: GradRule = {
  op: 'Sin',
  grad: ({ b, g, x: [x] }) => [b.mul(g, b.cos(x!))],
};
