import type { GradRule } from '../rule.ts';

/** Squeeze only drops size-1 axes: reshape the gradient back. */
export const SqueezeGrad: GradRule = {
  op: 'Squeeze',
  grad: ({ b, g, x: [x] }) => [b.op1('Reshape', [g, b.ints(x!.shape)]), null],
};
