import type { GradRule } from '../rule.ts';

export const IdentityGrad: GradRule = {
  op: 'Identity',
  grad: ({ g }) => [g],
};
