import { expLinearGrad } from '../exp-linear-grad.ts';
import type { GradRule } from '../rule.ts';

/** d celu(x) = g for x > 0, else g·exp(x/α). */
export const CeluGrad: GradRule = {
  op: 'Celu',
  grad: (ctx) => [expLinearGrad(ctx, { scale: 1, alpha: ctx.attr<number>('alpha'), inputScale: 1 / ctx.attr<number>('alpha') })],
};
