import type { GraphBuilder, Value } from '../../../graph/builder.ts';

/**
 * Means over the rows a mask selects. PINN point sets (interior, boundary, initial, test) travel as ONE batch
 * with a 0/1 mask column per set, so the network runs once and a shuffled or split batch still knows which row
 * belongs where. `values` is [batch, k], `mask` is [batch, 1] (broadcast over k).
 *
 * The count is clamped to ≥ 1: a batch without rows of a set contributes 0 rather than 0/0 = NaN.
 */
export function maskedMean(g: GraphBuilder, values: Value, mask: Value): Value {
  const k = values.shape[values.shape.length - 1];
  const total = g.op1('ReduceSum', [g.mul(values, mask)], { keepdims: 0 });
  const rows = g.max(g.op1('ReduceSum', [mask], { keepdims: 0 }), g.scalar(1, values.dtype));
  return g.div(total, g.mul(rows, g.scalar(k, values.dtype)));
}

/**
 * The relative L2 error of a whole field over the masked rows: ‖m·(pred − target)‖₂ / ‖m·target‖₂. (The unmasked
 * `rel_l2` is per sample, the neural-operator convention; for a pointwise PINN field the field norm is what a
 * "relative L2 error" means.) A tiny floor under both square roots keeps the term and its gradient finite when a
 * batch holds none of the rows: the term is then ≈ 0 (not 0/0), and a weight-0 metric term's 0 · ∂ stays 0.
 */
export function maskedRelativeL2(g: GraphBuilder, pred: Value, target: Value, mask: Value): Value {
  const tiny = g.scalar(1e-30, pred.dtype);
  const sumSq = (v: Value) => g.op1('ReduceSum', [g.mul(g.mul(v, v), mask)], { keepdims: 0 });
  const ratio = g.div(sumSq(g.sub(pred, target)), g.max(sumSq(target), tiny));
  return g.sqrt(g.add(ratio, tiny));
}
