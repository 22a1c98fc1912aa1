import type { GradRule } from '../rule.ts';

/** dσ(x) = g·y·(1 − y). */
export const SigmoidGrad: GradRule = {
  op: 'Sigmoid',
  grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.mul(y, b.sub(scalar(1), y)))],
};
