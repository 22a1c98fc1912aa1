import { spreadBack } from '../reduction-grad.ts';
import type { GradRule } from '../rule.ts';

/** Every summed element gets the gradient of its sum. */
export const ReduceSumGrad: GradRule = {
  op: 'ReduceSum',
  grad: (ctx) => [spreadBack(ctx), null],
};
