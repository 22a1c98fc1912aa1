import { sliceAxes } from '../../graph/ops/indexing.ts';
import { flipAxis } from '../flip-axis.ts';
import type { GradRule } from '../rule.ts';
import { unslice } from '../unslice.ts';

/**
 * The gradient of a slice is g put back where the slice came from, zero elsewhere. A negative step selects
 * start, start+step, …: the same elements as the positive-step slice from the last one, in reverse order, so g
 * is flipped on that axis and put back by that positive-step slice's adjoint.
 */
export const SliceGrad: GradRule = {
  op: 'Slice',
  grad(ctx) {
    const { b, x: [x], node } = ctx;
    const opt = (i: number): number[] | undefined => (node.inputs[i] ? ctx.ints(i) : undefined);
    const axes = sliceAxes(x!.shape, ctx.ints(1), ctx.ints(2), opt(3), opt(4));
    let g = ctx.g;
    const forward = axes.map((a) => {
      if (a.step > 0) return a;
      g = flipAxis(b, g, a.axis);
      return { ...a, start: a.length > 0 ? a.start + (a.length - 1) * a.step : a.start, step: -a.step };
    });
    return [unslice(b, g, x!.shape, forward), null, null, null, null];
  },
};
