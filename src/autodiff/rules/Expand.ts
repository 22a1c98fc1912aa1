import type { GradRule } from '../rule.ts';

/** Expand is broadcasting: the gradient passes through and the walker sums it over the expanded axes. */
export const ExpandGrad: GradRule = {
  op: 'Expand',
  grad: ({ g }) => [g, null],
};
