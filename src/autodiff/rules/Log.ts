import type { GradRule } from '../rule.ts';

/** d ln x = g/x. */
export const LogGrad: GradRule = {
  op: 'Log',
  grad: ({ b, g, x: [x] }) => [b.div(g, x!)],
};
