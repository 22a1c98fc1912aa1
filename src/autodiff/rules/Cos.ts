import type { GradRule } from '../rule.ts';

/** d cos x = −g·sin x. */
export const CosGrad: GradRule = {
  op: 'Cos',
  grad: ({ b, g, x: [x] }) => [b.neg(b.mul(g, b.sin(x!)))],
};
