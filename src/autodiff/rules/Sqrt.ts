import type { GradRule } from '../rule.ts';

/** d√x = g/(2y), with y = √x reused. */
export const SqrtGrad: GradRule = {
  op: 'Sqrt',
  grad: ({ b, g, y: [y], scalar }) => [b.div(b.mul(g, scalar(0.5)), y)],
};
