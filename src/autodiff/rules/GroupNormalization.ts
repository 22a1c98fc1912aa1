import { standardizeGrad } from '../normalization-grad.ts';
import type { GradRule } from '../rule.ts';

/**
 * Seen as [N, G, C/G·spatial], GroupNormalization is a standardization over the last axis, then ·scale + bias per
 * group: dx is the standardization's backward pass of g·scale; dScale = Σ g·x̂ and dBias = Σ g over all but the group axis.
 */
export const GroupNormalizationGrad: GradRule = {
  op: 'GroupNormalization',
  grad({ b, g, x: [x, scale], attr }) {
    const groups = attr<number>('num_groups');
    const grouped = (v: typeof g) => b.reshape(v, [x!.shape[0], groups, -1]);
    const gg = grouped(g);
    const { dx, xhat } = standardizeGrad(b, grouped(x!), b.mul(gg, b.reshape(scale!, [1, groups, 1])), [2], attr<number>('epsilon'));
    return [b.reshape(dx, x!.shape), b.reduceSum(b.mul(gg, xhat), [0, 2], false), b.reduceSum(gg, [0, 2], false)];
  },
};
