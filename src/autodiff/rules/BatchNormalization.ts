import { tensor } from '../../graph/tensor.ts';
import { alongChannels, standardizeGrad, sumToChannels } from '../normalization-grad.ts';
import type { GradRule } from '../rule.ts';

/**
 * Inference mode is affine in X per channel: Y = (X − mean)·r·scale + B with r = (var + ε)^−½.
 * dX = g·scale·r; dScale = Σ g·(X − mean)·r; dB = Σ g; dMean = −Σ g·scale·r; dVar = −½·Σ g·scale·(X − mean)·r³
 * (sums over every axis but the channels). The statistics get their mathematical gradients here; whether they
 * train is the model's choice (an exported module's running statistics are never trained, as in torch).
 *
 * Training mode standardizes X with its own batch statistics over every axis but the channels, so dX is the
 * standardization's backward pass of g·scale, dScale = Σ g·x̂, dB = Σ g, and the running statistics fed in do
 * not reach Y (a zero gradient). The running-statistics outputs are buffer updates, which nothing differentiates.
 */
export const BatchNormalizationGrad: GradRule = {
  op: 'BatchNormalization',
  grad({ b, g, dy, x: [x, scale, , mean, variance], attr, scalar, fail }) {
    const ch = (p: typeof g) => alongChannels(b, p, x!.rank);
    const epsilon = attr<number>('epsilon');
    if (attr<number>('training_mode') === 1) {
      if (dy[1] || dy[2]) fail('a gradient reaches the running_mean/running_var outputs; they are buffer updates (state the step sets, never trained), so only Y can be differentiated');
      const axes = x!.shape.map((_, i) => i).filter((i) => i !== 1);
      const { dx, xhat } = standardizeGrad(b, x!, b.mul(g, ch(scale!)), axes, epsilon);
      const zero = b.constant(tensor(x!.dtype, mean!.shape));
      return [dx, sumToChannels(b, b.mul(g, xhat)), sumToChannels(b, g), zero, zero];
    }
    const r = b.div(scalar(1), b.sqrt(b.add(ch(variance!), scalar(epsilon))));
    const centered = b.sub(x!, ch(mean!));
    const gsr = b.mul(b.mul(g, ch(scale!)), r);
    const dVar = b.mul(sumToChannels(b, b.mul(b.mul(gsr, centered), b.mul(r, r))), scalar(-0.5));
    return [gsr, sumToChannels(b, b.mul(b.mul(g, centered), r)), sumToChannels(b, g), b.neg(sumToChannels(b, gsr)), dVar];
  },
};
