import type { GradRule } from '../rule.ts';

/** d(a−b) = (g, −g). */
export const SubGrad: GradRule = {
  op: 'Sub',
  grad: ({ b, g }) => [g, b.neg(g)],
};
