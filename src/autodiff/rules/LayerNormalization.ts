import type { GradRule } from '../rule.ts';

/**
 * With x̂ = (x − μ)·r over the normalized axes [axis, rank) and r = 1/√(σ² + ε):
 * dx = r·(d − mean(d) − x̂·mean(d·x̂)) with d = g·scale; dScale = g·x̂ and dB = g (the walker sums them to
 * the parameters' shapes). μ, r and x̂ are recomputed in forward ops so the rule can be differentiated again.
 * Gradients arriving at the Mean/InvStdDev outputs are not supported.
 */
export const LayerNormalizationGrad: GradRule = {
  op: 'LayerNormalization',
  grad({ b, g, dy, x: [x, scale, bias], attr, scalar, fail }) {
    if (dy[1] || dy[2]) fail('gradients through the Mean/InvStdDev outputs are not supported; differentiate only Y');
    const rank = x!.rank;
    const first = (attr<number>('axis') + rank) % rank;
    const axes = [...Array(rank - first).keys()].map((i) => i + first);
    const mean = (v: typeof g) => b.op1('ReduceMean', [v], { axes, keepdims: 1 });
    const centered = b.sub(x!, mean(x!));
    const r = b.div(scalar(1), b.sqrt(b.add(mean(b.mul(centered, centered)), scalar(attr<number>('epsilon')))));
    const xhat = b.mul(centered, r);
    const d = b.mul(g, scale!);
    const dx = b.mul(r, b.sub(b.sub(d, mean(d)), b.mul(xhat, mean(b.mul(d, xhat)))));
    return [dx, b.mul(g, xhat), bias ? g : null];
  },
};
