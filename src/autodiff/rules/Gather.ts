import { ONNX_DTYPE_CODE } from '../../graph/dtype.ts';
import { sizeOf, tensor } from '../../graph/tensor.ts';
import type { GradRule } from '../rule.ts';

/**
 * Gather's gradient scatters g back, summing repeated indices. Written without scatter ops: a one-hot
 * matrix E[i, d] = (index_i == d) and a MatMul, data-shape [pre, D, post] ← g [pre, I, post] contracted with E.
 * Negative indices are wrapped for constant indices; computed indices must be non-negative.
 */
export const GatherGrad: GradRule = {
  op: 'Gather',
  grad(ctx) {
    const { b, g, x: [x, idx], attr } = ctx;
    const shape = x!.shape;
    const axis = (attr<number>('axis') + shape.length) % shape.length;
    const dim = shape[axis];
    const pre = sizeOf(shape.slice(0, axis));
    const post = sizeOf(shape.slice(axis + 1));
    const count = sizeOf(idx!.shape);
    const flatIdx = idx!.constValue
      ? b.constant(tensor('int64', [count, 1], ctx.ints(1).map((i) => (i < 0 ? i + dim : i))))
      : b.op1('Reshape', [idx!.dtype === 'int64' ? idx! : b.op1('Cast', [idx!], { to: ONNX_DTYPE_CODE.int64 }), b.ints([count, 1])]);
    const range = b.constant(tensor('int64', [1, dim], [...Array(dim).keys()]));
    const oneHot = b.op1('Cast', [b.op1('Equal', [flatIdx, range])], { to: ONNX_DTYPE_CODE[g.dtype] });
    const g3 = b.op1('Transpose', [b.op1('Reshape', [g, b.ints([pre, count, post])])], { perm: [0, 2, 1] });
    const scattered = b.op1('Transpose', [b.matmul(g3, oneHot)], { perm: [0, 2, 1] });
    return [b.op1('Reshape', [scattered, b.ints(shape)]), null];
  },
};
