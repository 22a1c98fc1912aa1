import { alongChannels, standardizeGrad, sumToChannels } from '../normalization-grad.ts';
import type { GradRule } from '../rule.ts';

/**
 * Standardization of each (sample, channel) over the spatial axes, then ·scale + B per channel: dx is the
 * standardization's backward pass of g·scale; dScale = Σ g·x̂ and dB = Σ g over every axis but the channels.
 */
export const InstanceNormalizationGrad: GradRule = {
  op: 'InstanceNormalization',
  grad({ b, g, x: [x, scale], attr }) {
    const spatial = x!.shape.map((_, i) => i).slice(2);
    const d = b.mul(g, alongChannels(b, scale!, x!.rank));
    const { dx, xhat } = standardizeGrad(b, x!, d, spatial, attr<number>('epsilon'));
    return [dx, sumToChannels(b, b.mul(g, xhat)), sumToChannels(b, g)];
  },
};
