import { expLinearGrad } from '../exp-linear-grad.ts';
import type { GradRule } from '../rule.ts';

/** d elu(x) = g for x > 0, else g·α·eˣ. */
export const EluGrad: GradRule = {
  op: 'Elu',
  grad: (ctx) => [expLinearGrad(ctx, { scale: 1, alpha: ctx.attr<number>('alpha'), inputScale: 1 })],
};
