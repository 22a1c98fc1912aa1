import { ONNX_DTYPE_CODE } from '../../graph/dtype.ts';
import type { GradRule } from '../rule.ts';

/**
 * The gradient goes to the elements equal to their channel's maximum, shared evenly among ties (as
 * torch.amax does): a mask, its count and a product, whatever the spatial extent.
 */
export const GlobalMaxPoolGrad: GradRule = {
  op: 'GlobalMaxPool',
  grad({ b, g, x: [x], y: [y] }) {
    const mask = b.op1('Cast', [b.op1('Equal', [x!, y])], { to: ONNX_DTYPE_CODE[x!.dtype] });
    const ties = b.reduceSum(mask, x!.shape.map((_, i) => i).slice(2));
    return [b.mul(mask, b.div(g, ties))];
  },
};
