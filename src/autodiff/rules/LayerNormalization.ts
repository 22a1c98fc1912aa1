import { standardizeGrad } from '../normalization-grad.ts';
import type { GradRule } from '../rule.ts';

/**
 * Standardization over the normalized axes [axis, rank), then ·scale + B: dx is the standardization's
 * backward pass of d = g·scale; dScale = g·x̂ and dB = g (the walker sums them to the parameters' shapes).
 * Gradients arriving at the Mean/InvStdDev outputs are not supported.
 */
export const LayerNormalizationGrad: GradRule = {
  op: 'LayerNormalization',
  grad({ b, g, dy, x: [x, scale, bias], attr, fail }) {
    if (dy[1] || dy[2]) fail('gradients through the Mean/InvStdDev outputs are not supported; differentiate only Y');
    const rank = x!.rank;
    const first = (attr<number>('axis') + rank) % rank;
    const axes = [...Array(rank - first).keys()].map((i) => i + first);
    const { dx, xhat } = standardizeGrad(b, x!, b.mul(g, scale!), axes, attr<number>('epsilon'));
    return [dx, b.mul(g, xhat), bias ? g : null];
  },
};
