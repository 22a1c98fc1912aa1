import { InferError, type OpDef } from '../op-def.ts';
import { broadcastShapes, fmtShape, normalizeAxis, sameShape } from '../shape-utils.ts';

/** Softmax (opset 13): normalizes along one axis (not the flattened trailing block of opset ≤ 11). */
const Softmax: OpDef = {
  op: 'Softmax',
  since: 13,
  arity: [1, 1],
  attrs: { axis: { type: 'int', default: -1 } },
  dtypes: ['float32', 'float64'],
  infer([x], attrs) {
    normalizeAxis(attrs.axis as number, x!.shape.length);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

/**
 * LayerNormalization (opset 17): normalizes over axes [axis, rank); Scale and optional B broadcast to that
 * block. Optional outputs Mean and InvStdDev keep the leading axes and have size 1 on the normalized ones.
 */
const LayerNormalization: OpDef = {
  op: 'LayerNormalization',
  since: 17,
  arity: [2, 3],
  outputs: 3,
  attrs: {
    axis: { type: 'int', default: -1 },
    epsilon: { type: 'float', default: 1e-5 },
    stash_type: { type: 'int', default: 1 },
  },
  dtypes: ['float32', 'float64'],
  infer([x, scale, b], attrs) {
    const r = x!.shape.length;
    const axis = normalizeAxis(attrs.axis as number, r);
    if (attrs.stash_type !== 1) throw new InferError(`stash_type ${attrs.stash_type} is not supported; tandem computes statistics in float (stash_type 1)`);
    const block = x!.shape.slice(axis);
    for (const p of [scale, b]) {
      if (!p) continue;
      if (p.dtype !== x!.dtype) throw new InferError(`input dtypes differ: ${x!.dtype}, ${p.dtype}`);
      if (!sameShape(broadcastShapes(p.shape, block), block)) throw new InferError(`${p.name} ${fmtShape(p.shape)} does not broadcast to the normalized block ${fmtShape(block)}`);
    }
    const stat = x!.shape.map((d, i) => (i < axis ? d : 1));
    return [
      { dtype: x!.dtype, shape: x!.shape },
      { dtype: 'float32', shape: stat },
      { dtype: 'float32', shape: stat },
    ];
  },
};

export const normalizationOps: OpDef[] = [Softmax, LayerNormalization];
