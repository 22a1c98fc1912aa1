import { expLinearGrad } from '../exp-linear-grad.ts';
import type { GradRule } from '../rule.ts';

/** d selu(x) = g·γ for x > 0, else g·γ·α·eˣ. */
export const SeluGrad: GradRule = {
  op: 'Selu',
  grad: (ctx) => [expLinearGrad(ctx, { scale: ctx.attr<number>('gamma'), alpha: ctx.attr<number>('alpha'), inputScale: 1 })],
};
