import type { DType } from '../dtype.ts';
import { InferError, type InferInput, type OpDef } from '../op-def.ts';
import { broadcastShapes } from '../shape-utils.ts';

const FLOATS: readonly DType[] = ['float32', 'float64'];
const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32', 'int64'];

function sameDtype(inputs: readonly (InferInput | undefined)[]): DType {
  const d = inputs[0]!.dtype;
  for (const i of inputs) {
    if (i && i.dtype !== d) throw new InferError(`input dtypes differ: ${inputs.map((x) => x?.dtype).join(', ')}`);
  }
  return d;
}

/** An elementwise op on one input, same type out. */
export function unary(op: string, attrs: OpDef['attrs'] = {}, dtypes: readonly DType[] = FLOATS): OpDef {
  return {
    op,
    arity: [1, 1],
    attrs,
    dtypes,
    infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  };
}

/** A broadcasting elementwise op over `min..max` inputs of one dtype. */
export function broadcasting(op: string, min = 2, max = 2, dtypes: readonly DType[] = NUMERIC): OpDef {
  return {
    op,
    arity: [min, max],
    attrs: {},
    dtypes,
    infer: (inputs) => [{ dtype: sameDtype(inputs), shape: broadcastShapes(...inputs.map((i) => i!.shape)) }],
  };
}
