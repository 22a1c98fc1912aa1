import { alongChannels, sumToChannels } from '../normalization-grad.ts';
import type { GradRule } from '../rule.ts';

/**
 * Inference-mode BatchNormalization is affine in X per channel: Y = (X − mean)·r·scale + B with
 * r = (var + ε)^−½. dX = g·scale·r; dScale = Σ g·(X − mean)·r; dB = Σ g; dMean = −Σ g·scale·r;
 * dVar = −½·Σ g·scale·(X − mean)·r³ (sums over every axis but the channels). The statistics get their
 * mathematical gradients here; whether they train is the model's choice (an exported module's running
 * statistics are frozen by the ONNX model plugin, as torch keeps them out of autograd).
 */
export const BatchNormalizationGrad: GradRule = {
  op: 'BatchNormalization',
  grad({ b, g, x: [x, scale, , mean, variance], attr, scalar }) {
    const ch = (p: typeof g) => alongChannels(b, p, x!.rank);
    const r = b.div(scalar(1), b.sqrt(b.add(ch(variance!), scalar(attr<number>('epsilon')))));
    const centered = b.sub(x!, ch(mean!));
    const gsr = b.mul(b.mul(g, ch(scale!)), r);
    const dVar = b.mul(sumToChannels(b, b.mul(b.mul(gsr, centered), b.mul(r, r))), scalar(-0.5));
    return [gsr, sumToChannels(b, b.mul(b.mul(g, centered), r)), sumToChannels(b, g), b.neg(sumToChannels(b, gsr)), dVar];
  },
};
