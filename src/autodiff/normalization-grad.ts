import type { GraphBuilder, Value } from '../graph/builder.ts';

/**
 * The backward pass of standardization x̂ = (x − μ)·r over `axes`, with μ the mean and r = 1/√(σ² + ε) of x
 * over those axes (biased σ², as every normalization op uses): for d arriving at x̂,
 * dx = r·(d − mean(d) − x̂·mean(d·x̂)). μ, r and x̂ are recomputed in forward ops, so dx can be differentiated
 * again. x̂ is returned for the scale gradient.
 */
export function standardizeGrad(b: GraphBuilder, x: Value, d: Value, axes: readonly number[], epsilon: number): { dx: Value; xhat: Value } {
  const mean = (v: Value) => b.op1('ReduceMean', [v], { axes: [...axes], keepdims: 1 });
  const centered = b.sub(x, mean(x));
  const r = b.div(b.scalar(1, x.dtype), b.sqrt(b.add(mean(b.mul(centered, centered)), b.scalar(epsilon, x.dtype))));
  const xhat = b.mul(centered, r);
  const dx = b.mul(r, b.sub(b.sub(d, mean(d)), b.mul(xhat, mean(b.mul(d, xhat)))));
  return { dx, xhat };
}

/** A per-channel [C] parameter reshaped to [C, 1, …] so it broadcasts along axis 1 of a rank-`rank` input. */
export function alongChannels(b: GraphBuilder, p: Value, rank: number): Value {
  return b.reshape(p, [p.shape[0], ...new Array<number>(rank - 2).fill(1)]);
}

/** The gradient of a per-channel parameter: v summed over every axis but the channel axis 1, as [C]. */
export function sumToChannels(b: GraphBuilder, v: Value): Value {
  const axes = v.shape.map((_, i) => i).filter((i) => i !== 1);
  return b.reduceSum(v, axes, false);
}
