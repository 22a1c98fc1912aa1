import { sliceAxes } from '../../graph/ops/indexing.ts';
import type { GradRule } from '../rule.ts';
import { unslice } from '../unslice.ts';

/** The gradient of a slice is g put back where the slice came from, zero elsewhere. Negative steps are refused. */
export const SliceGrad: GradRule = {
  op: 'Slice',
  grad(ctx) {
    const { b, g, x: [x], node, fail } = ctx;
    const opt = (i: number): number[] | undefined => (node.inputs[i] ? ctx.ints(i) : undefined);
    const axes = sliceAxes(x!.shape, ctx.ints(1), ctx.ints(2), opt(3), opt(4));
    const backwards = axes.find((a) => a.step < 0);
    if (backwards) fail(`negative slice steps have no gradient rule (axis ${backwards.axis}, step ${backwards.step})`);
    return [unslice(b, g, x!.shape, axes), null, null, null, null];
  },
};
