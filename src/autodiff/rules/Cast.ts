import { ONNX_DTYPE_CODE } from '../../graph/dtype.ts';
import type { GradRule } from '../rule.ts';

/** A float→float Cast passes the gradient back cast to the input's dtype (Casts to integers carry none). */
export const CastGrad: GradRule = {
  op: 'Cast',
  grad: ({ b, g, x: [x] }) => [b.op1('Cast', [g], { to: ONNX_DTYPE_CODE[x!.dtype] })],
};
