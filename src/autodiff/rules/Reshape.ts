import type { GradRule } from '../rule.ts';

/** The gradient of a reshape is the gradient reshaped back; the shape input has none. */
export const ReshapeGrad: GradRule = {
  op: 'Reshape',
  grad: ({ b, g, x: [x] }) => [b.op1('Reshape', [g, b.ints(x!.shape)]), null],
};
