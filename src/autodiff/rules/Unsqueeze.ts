import type { GradRule } from '../rule.ts';

/** Unsqueeze only inserts size-1 axes: reshape the gradient back. */
export const UnsqueezeGrad: GradRule = {
  op: 'Unsqueeze',
  grad: ({ b, g, x: [x] }) => [b.op1('Reshape', [g, b.ints(x!.shape)]), null],
};
