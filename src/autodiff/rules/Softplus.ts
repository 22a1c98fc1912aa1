import type { GradRule } from '../rule.ts';

/** d ln(1 + eˣ) = g·σ(x). */
export const SoftplusGrad: GradRule = {
  op: 'Softplus',
  grad: ({ b, g, x: [x] }) => [b.mul(g, b.op1('Sigmoid', [x!]))],
};
