import type { Value } from '../graph/builder.ts';
import { reductionAxes } from '../graph/ops/reduce.ts';
import { sizeOf } from '../graph/tensor.ts';
import type { GradContext } from './rule.ts';

/** Which axes a ReduceSum/Mean/Max node reduced (axes come as an input for ReduceSum, an attribute before opset 18 otherwise). */
export function reducedAxes(ctx: GradContext): number[] {
  const { node, x } = ctx;
  const rank = x[0]!.rank;
  if (node.op === 'ReduceSum') {
    const given = node.inputs[1] ? ctx.ints(1) : undefined;
    return reductionAxes(rank, given, ctx.attr<number>('noop_with_empty_axes') === 1);
  }
  return reductionAxes(rank, node.attrs.axes as number[] | undefined);
}

/** A reduced value (g or y) reshaped to the input's rank with size 1 on the reduced axes, ready to broadcast. */
export function keptDims(ctx: GradContext, v: Value): Value {
  const axes = reducedAxes(ctx);
  const shape = ctx.x[0]!.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return ctx.b.op1('Reshape', [v, ctx.b.ints(shape)]);
}

/** The gradient of a sum: g spread back over the reduced axes. */
export function spreadBack(ctx: GradContext): Value {
  return ctx.b.op1('Expand', [keptDims(ctx, ctx.g), ctx.b.ints(ctx.x[0]!.shape)]);
}

/** Number of elements each output of the reduction averaged over. */
export function reducedCount(ctx: GradContext): number {
  const shape = ctx.x[0]!.shape;
  return sizeOf(reducedAxes(ctx).map((a) => shape[a]));
}
