import { InferError, type OpDef } from '../op-def.ts';
import { broadcastShapes, fmtShape } from '../shape-utils.ts';

/** numpy.matmul semantics: 1-D operands are promoted and the promoted axis dropped again; batch axes broadcast. */
export const MatMul: OpDef = {
  op: 'MatMul',
  arity: [2, 2],
  attrs: {},
  dtypes: ['float32', 'float64', 'int32', 'int64'],
  infer([a, b]) {
    if (a!.dtype !== b!.dtype) throw new InferError(`input dtypes differ: ${a!.dtype}, ${b!.dtype}`);
    const sa = a!.shape.length === 1 ? [1, a!.shape[0]] : [...a!.shape];
    const sb = b!.shape.length === 1 ? [b!.shape[0], 1] : [...b!.shape];
    if (sa.length === 0 || sb.length === 0) throw new InferError('MatMul needs inputs of rank ≥ 1');
    const k1 = sa[sa.length - 1];
    const k2 = sb[sb.length - 2];
    if (k1 !== k2) {
      throw new InferError(`inner dimensions differ: ${fmtShape(a!.shape)} × ${fmtShape(b!.shape)} (${k1} vs ${k2})`);
    }
    const batch = broadcastShapes(sa.slice(0, -2), sb.slice(0, -2));
    const shape = [...batch];
    if (a!.shape.length !== 1) shape.push(sa[sa.length - 2]);
    if (b!.shape.length !== 1) shape.push(sb[sb.length - 1]);
    return [{ dtype: a!.dtype, shape }];
  },
};
