import type { GradRule } from '../rule.ts';

/** d tanh x = g·(1 − y²), written in Mul/Sub so that it can be differentiated again. */
export const TanhGrad: GradRule = {
  op: 'Tanh',
  grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), b.mul(y, y)))],
};
