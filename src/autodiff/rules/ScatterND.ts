import type { GradContext, GradRule } from '../rule.ts';
import type { Value } from '../../graph/builder.ts';
import { sizeOf } from '../../graph/tensor.ts';

/**
 * g read at the slices ScatterND addressed (a GatherND), in ops tandem has: g flattened over the q addressed
 * axes, each index tuple turned into a row number (negative indices wrapped), then one Gather.
 */
function gatherSlices({ b, g, x: [x, idx] }: GradContext): Value {
  const q = idx!.shape[idx!.rank - 1];
  const dims = x!.shape.slice(0, q);
  const strides = dims.map((_, i) => sizeOf(dims.slice(i + 1)));
  const rows = b.op1('Reshape', [g, b.ints([sizeOf(dims), ...x!.shape.slice(q)])]);
  const wrapped = b.op1('Where', [b.op1('Less', [idx!, b.scalar(0, 'int64')]), b.add(idx!, b.ints(dims)), idx!]);
  const row = b.op1('ReduceSum', [b.mul(wrapped, b.ints(strides)), b.ints([-1])], { keepdims: 0 });
  return b.op1('Gather', [rows, row], { axis: 0 });
}

/** As ScatterElements: none zeroes the overwritten slices of data's gradient, add passes g, mul has no rule. */
export const ScatterNDGrad: GradRule = {
  op: 'ScatterND',
  grad(ctx) {
    const { b, g, x: [, idx, u], attr, fail } = ctx;
    const reduction = attr<string>('reduction');
    if (reduction === 'mul') fail('ScatterND with reduction "mul" has no gradient rule; use "none" or "add", or stop the gradient before this node');
    const dUpdates = gatherSlices(ctx);
    if (reduction === 'add') return [g, null, dUpdates];
    const zeros = b.op1('Expand', [b.scalar(0, u!.dtype), b.ints(u!.shape)]);
    return [b.op1('ScatterND', [g, idx!, zeros]), null, dUpdates];
  },
};
