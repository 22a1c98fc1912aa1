import type { AttrValue } from '../ir.ts';
import { InferError, type InferInput, type OpDef } from '../op-def.ts';
import { checkSpatialRank, resolveWindow, windowAttrs } from './window.ts';

function pooledShape(x: InferInput, attrs: Readonly<Record<string, AttrValue>>, op: string): number[] {
  checkSpatialRank(x.shape, op);
  const kernel = attrs.kernel_shape as number[] | undefined;
  if (!kernel || kernel.length === 0) throw new InferError(`${op} needs kernel_shape`);
  const win = resolveWindow(x.shape.slice(2), kernel, attrs, attrs.ceil_mode === 1);
  return [x.shape[0], x.shape[1], ...win.out];
}

/** AveragePool (opset 11; dilations arrive in 19). count_include_pad=0 divides by the unpadded count. */
export const AveragePool: OpDef = {
  op: 'AveragePool',
  since: 11,
  arity: [1, 1],
  attrs: { ...windowAttrs, ceil_mode: { type: 'int', default: 0 }, count_include_pad: { type: 'int', default: 0 } },
  dtypes: ['float32', 'float64'],
  infer: ([x], attrs) => [{ dtype: x!.dtype, shape: pooledShape(x!, attrs, 'AveragePool') }],
};

/**
 * MaxPool (opset 12). The optional second output holds flat int64 indices (storage_order 0: row-major,
 * 1: column-major); the builder's `maxPool` sugar asks for Y only.
 */
export const MaxPool: OpDef = {
  op: 'MaxPool',
  since: 12,
  arity: [1, 1],
  outputs: 2,
  attrs: {
    ...windowAttrs,
    ceil_mode: { type: 'int', default: 0 },
    dilations: { type: 'ints' },
    storage_order: { type: 'int', default: 0 },
  },
  dtypes: ['float32', 'float64', 'uint8'],
  infer: ([x], attrs) => {
    const shape = pooledShape(x!, attrs, 'MaxPool');
    return [{ dtype: x!.dtype, shape }, { dtype: 'int64', shape }];
  },
};

/** GlobalAveragePool / GlobalMaxPool (opset 1): one value per channel, spatial axes kept with size 1. */
function globalPool(op: string): OpDef {
  return {
    op,
    since: 1,
    arity: [1, 1],
    attrs: {},
    dtypes: ['float32', 'float64'],
    infer: ([x]) => {
      checkSpatialRank(x!.shape, op);
      return [{ dtype: x!.dtype, shape: x!.shape.map((d, i) => (i < 2 ? d : 1)) }];
    },
  };
}

export const GlobalAveragePool = globalPool('GlobalAveragePool');
export const GlobalMaxPool = globalPool('GlobalMaxPool');
