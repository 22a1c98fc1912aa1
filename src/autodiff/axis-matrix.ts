import type { GraphBuilder, Value } from '../graph/builder.ts';
import type { Tensor } from '../graph/tensor.ts';

/**
 * Applies the transpose of a constant linear map along one axis: for y[…, o, …] = Σᵢ W[o, i]·x[…, i, …],
 * returns Σ_o W[o, i]·g[…, o, …]. Moves the axis last, multiplies by W [O, I], and moves it back.
 */
export function transposeMapAlongAxis(b: GraphBuilder, g: Value, axis: number, w: Tensor): Value {
  const perm = [...Array(g.rank).keys()].filter((a) => a !== axis);
  perm.push(axis);
  const inverse = new Array<number>(g.rank);
  perm.forEach((p, i) => (inverse[p] = i));
  const moved = axis === g.rank - 1 ? g : b.op1('Transpose', [g], { perm });
  const mapped = b.matmul(moved, b.constant(w));
  return axis === g.rank - 1 ? mapped : b.op1('Transpose', [mapped], { perm: inverse });
}
