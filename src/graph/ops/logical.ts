import { InferError, type InferInput, type OpDef } from '../op-def.ts';
import { broadcastShapes } from '../shape-utils.ts';
import { broadcasting } from './elementwise.ts';

function sameDtype(a: InferInput, b: InferInput): void {
  if (a.dtype !== b.dtype) throw new InferError(`input dtypes differ: ${a.dtype}, ${b.dtype}`);
}

/** A broadcasting comparison: two inputs of one dtype, a bool result (the masks Where selects with). */
function comparison(op: string, since: number, dtypes: OpDef['dtypes']): OpDef {
  return {
    op,
    since,
    arity: [2, 2],
    attrs: {},
    dtypes,
    infer: ([a, b]) => {
      sameDtype(a!, b!);
      return [{ dtype: 'bool', shape: broadcastShapes(a!.shape, b!.shape) }];
    },
  };
}

const Where: OpDef = {
  op: 'Where',
  since: 9,
  arity: [3, 3],
  attrs: {},
  dtypes: ['bool'],
  infer: ([c, x, y]) => {
    sameDtype(x!, y!);
    return [{ dtype: x!.dtype, shape: broadcastShapes(c!.shape, x!.shape, y!.shape) }];
  },
};

const NUMERIC = ['float32', 'float64', 'int32', 'int64'] as const;

export const logicalOps: OpDef[] = [
  comparison('Greater', 7, NUMERIC),
  comparison('Less', 7, NUMERIC),
  comparison('Equal', 11, [...NUMERIC, 'bool', 'uint8']),
  Where,
  // Variadic and broadcasting since opset 8.
  { ...broadcasting('Max', 1, Infinity), since: 8 },
  { ...broadcasting('Min', 1, Infinity), since: 8 },
];
