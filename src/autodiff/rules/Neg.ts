import type { GradRule } from '../rule.ts';

export const NegGrad: GradRule = {
  op: 'Neg',
  grad: ({ b, g }) => [b.neg(g)],
};
