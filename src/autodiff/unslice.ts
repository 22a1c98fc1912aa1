import type { GraphBuilder, Value } from '../graph/builder.ts';
import type { SliceAxis } from '../graph/ops/indexing.ts';
import type { Shape } from '../graph/tensor.ts';

/**
 * The adjoint of a (strided, forward) Slice: places `g` back into a zero tensor of `shape` at the sliced
 * positions. Per axis, a step k is undone by interleaving k−1 zeros after each element (Unsqueeze, Concat
 * with zeros, Reshape, trim), then Pad puts the slab at its start. Steps must be positive.
 */
export function unslice(b: GraphBuilder, g: Value, shape: Shape, axes: readonly SliceAxis[]): Value {
  let d = g;
  for (const { axis, start, step, length } of axes) {
    let span = length;
    if (step > 1 && length > 0) {
      const u = b.op1('Unsqueeze', [d, b.ints([axis + 1])]);
      const zeros = b.op1('Expand', [b.scalar(0, g.dtype), b.ints(u.shape.map((s, i) => (i === axis + 1 ? step - 1 : s)))]);
      const interleaved = b.op1('Concat', [u, zeros], { axis: axis + 1 });
      span = (length - 1) * step + 1;
      const merged = b.op1('Reshape', [interleaved, b.ints(d.shape.map((s, i) => (i === axis ? s * step : s)))]);
      d = b.op1('Slice', [merged, b.ints([0]), b.ints([span]), b.ints([axis])]);
    }
    const pads = new Array<number>(2 * d.rank).fill(0);
    pads[axis] = start;
    pads[axis + d.rank] = shape[axis] - start - span;
    if (pads.some((p) => p !== 0)) d = b.op1('Pad', [d, b.ints(pads)]);
  }
  return d;
}
