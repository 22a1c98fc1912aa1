import type { GraphBuilder, Value } from '../graph/builder.ts';
import { isFloat } from '../graph/dtype.ts';
import { tensor, type Shape } from '../graph/tensor.ts';
import { fmtShape, sameShape } from '../graph/shape-utils.ts';

/**
 * Sums a gradient that carries a broadcast shape back to the shape of the input it belongs to: ReduceSum over
 * the leading axes the input lacks and over axes where the input has size 1, then a Reshape. This is the
 * only place broadcasting is undone, so rules may return gradients in the output's (broadcast) shape.
 * Returns null when `g` is not a broadcast of `shape`, so the caller can name the node in its error.
 */
export function sumToShape(b: GraphBuilder, g: Value, shape: Shape): Value | null {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  if (lead < 0) return null;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    const target = i < lead ? 1 : shape[i - lead];
    if (g.shape[i] === target) {
      if (i < lead) axes.push(i); // a leading axis of size 1 still has to go; the Reshape drops it
      continue;
    }
    if (target !== 1) return null;
    axes.push(i);
  }
  const reduced = axes.some((a) => g.shape[a] !== 1) ? reduceSum(b, g, axes) : g;
  return sameShape(reduced.shape, shape) ? reduced : b.op1('Reshape', [reduced, b.ints(shape)]);
}

/**
 * ReduceSum over `axes`, keeping them. The sum over the rows of a float matrix (a bias gradient: [batch, n] →
 * [1, n]) is written as ones[1, batch] · g: on [1000, 64], ONNX Runtime's MatMul does it about 7 µs faster than
 * its ReduceSum over axis 0, about half the time (specs/bench.md B7). Both are float sums of the same terms; only
 * their order differs.
 */
function reduceSum(b: GraphBuilder, g: Value, axes: readonly number[]): Value {
  if (g.rank === 2 && axes.length === 1 && axes[0] === 0 && isFloat(g.dtype)) {
    return b.op1('MatMul', [b.constant(tensor(g.dtype, [1, g.shape[0]], new Array<number>(g.shape[0]).fill(1))), g]);
  }
  return b.op1('ReduceSum', [g, b.ints(axes)], { keepdims: 1 });
}

export function describeShape(v: Value): string {
  return `${v.dtype}${fmtShape(v.shape)}`;
}
