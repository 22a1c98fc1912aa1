import type { GradRule } from '../rule.ts';

/**
 * y_j = Σ_{i≤j} x_i, so ∂/∂x_i = Σ_{j≥i} g_j: the same cumulative sum of g in the other direction
 * (exclusive stays exclusive). The axis input carries no gradient.
 */
export const CumSumGrad: GradRule = {
  op: 'CumSum',
  grad({ b, g, x: [, axis], attr }) {
    return [b.op1('CumSum', [g, axis!], { exclusive: attr<number>('exclusive'), reverse: 1 - attr<number>('reverse') }), null];
  },
};
