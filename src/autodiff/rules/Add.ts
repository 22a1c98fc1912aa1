import type { GradRule } from '../rule.ts';

/** d(a+b) = (g, g); the walker sums each back over broadcast axes. */
export const AddGrad: GradRule = {
  op: 'Add',
  grad: ({ g }) => [g, g],
};
