import { InferError, type OpDef } from '../op-def.ts';
import { broadcastShapes, fmtShape } from '../shape-utils.ts';

/** numpy.matmul semantics: 1-D operands are promoted and the promoted axis dropped again; batch axes broadcast. */
export const MatMul: OpDef = {
  op: 'MatMul',
  since: 9,
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

/** Y = alpha·op(A)·op(B) + beta·C, A and B 2-D, C unidirectionally broadcast to [M, N]. */
export const Gemm: OpDef = {
  op: 'Gemm',
  since: 11,
  arity: [2, 3],
  attrs: {
    alpha: { type: 'float', default: 1 },
    beta: { type: 'float', default: 1 },
    transA: { type: 'int', default: 0 },
    transB: { type: 'int', default: 0 },
  },
  dtypes: ['float32', 'float64', 'int32', 'int64'],
  infer([a, b, c], attrs) {
    if (a!.shape.length !== 2 || b!.shape.length !== 2) throw new InferError(`Gemm needs 2-D A and B, got ${fmtShape(a!.shape)} and ${fmtShape(b!.shape)}`);
    if (a!.dtype !== b!.dtype || (c && c.dtype !== a!.dtype)) throw new InferError('input dtypes differ');
    const [m, ka] = attrs.transA ? [a!.shape[1], a!.shape[0]] : a!.shape;
    const [kb, n] = attrs.transB ? [b!.shape[1], b!.shape[0]] : b!.shape;
    if (ka !== kb) throw new InferError(`inner dimensions differ: op(A) is [${m}, ${ka}], op(B) is [${kb}, ${n}]`);
    if (c) {
      const bc = broadcastShapes(c.shape, [m, n]);
      if (bc.length !== 2 || bc[0] !== m || bc[1] !== n) throw new InferError(`C ${fmtShape(c.shape)} does not broadcast to [${m}, ${n}]`);
    }
    return [{ dtype: a!.dtype, shape: [m, n] }];
  },
};
