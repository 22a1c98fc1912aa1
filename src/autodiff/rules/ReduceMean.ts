import { reducedCount, spreadBack } from '../reduction-grad.ts';
import type { GradRule } from '../rule.ts';

/** Every averaged element gets the gradient of its mean divided by the count. */
export const ReduceMeanGrad: GradRule = {
  op: 'ReduceMean',
  grad: (ctx) => [ctx.b.div(spreadBack(ctx), ctx.scalar(reducedCount(ctx)))],
};
