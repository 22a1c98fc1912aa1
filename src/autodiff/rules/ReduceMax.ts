import { ONNX_DTYPE_CODE } from '../../graph/dtype.ts';
import { keptDims, reducedAxes } from '../reduction-grad.ts';
import type { GradRule } from '../rule.ts';

/** The gradient goes to the elements equal to the maximum, shared evenly among ties (as torch.amax does). */
export const ReduceMaxGrad: GradRule = {
  op: 'ReduceMax',
  grad(ctx) {
    const { b, x: [x], y: [y] } = ctx;
    const mask = b.op1('Cast', [b.op1('Equal', [x!, keptDims(ctx, y)])], { to: ONNX_DTYPE_CODE[x!.dtype] });
    const ties = b.op1('ReduceSum', [mask, b.ints(reducedAxes(ctx))], { keepdims: 1 });
    return [b.mul(mask, b.div(keptDims(ctx, ctx.g), ties))];
  },
};
