import type { GraphBuilder, Value } from '../../graph/builder.ts';

/**
 * torch.nn.utils.clip_grad_norm_ with the 2-norm, as graph ops. torch computes each gradient's norm, then the
 * norm of those norms, then scales every gradient by min(max_norm / (total + 1e-6), 1). The 1e-6 keeps the
 * coefficient finite for zero gradients and makes a gradient exactly at max_norm shrink very slightly, as in
 * torch. torch always multiplies (by 1 when not clipping) to avoid a host sync; so does this.
 */
export function clipGradNorm(g: GraphBuilder, grads: readonly Value[], maxNorm: number): { grads: Value[]; totalNorm: Value } {
  if (grads.length === 0) throw new Error('clip_grad_norm: there are no gradients to clip; the model has no trainable parameters');
  const dtype = grads[0].dtype;
  const norms = grads.map((gr) => g.sqrt(g.op1('ReduceSum', [g.mul(gr, gr)], { keepdims: 0 })));
  const sumSq = norms.map((n) => g.mul(n, n)).reduce((a, b) => g.add(a, b));
  const totalNorm = g.sqrt(sumSq);
  const coef = g.div(g.scalar(maxNorm, dtype), g.add(totalNorm, g.scalar(1e-6, dtype)));
  const clamped = g.op1('Min', [coef, g.scalar(1, dtype)]);
  return { grads: grads.map((gr) => g.mul(gr, clamped)), totalNorm };
}
