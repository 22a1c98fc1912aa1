import type { GradRule } from '../rule.ts';

/** d erf(x) = g·(2/√π)·exp(−x²). */
export const ErfGrad: GradRule = {
  op: 'Erf',
  grad: ({ b, g, x: [x], scalar }) => [b.mul(g, b.mul(scalar(2 / Math.sqrt(Math.PI)), b.exp(b.neg(b.mul(x!, x!)))))],
};
