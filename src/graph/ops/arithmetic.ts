import { InferError, type OpDef } from '../op-def.ts';
import { broadcastShapes } from '../shape-utils.ts';
import { broadcasting, unary } from './elementwise.ts';

const ALL = ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8'] as const;

/** ONNX Pow lets the exponent have its own type (opset 12+); the result has the base's type. */
const Pow: OpDef = {
  op: 'Pow',
  since: 12,
  arity: [2, 2],
  attrs: {},
  dtypes: ['float32', 'float64'],
  infer: ([x, y]) => {
    if (y!.dtype === 'bool' || y!.dtype === 'uint8') throw new InferError(`Pow exponent must be a float or int, got ${y!.dtype}`);
    return [{ dtype: x!.dtype, shape: broadcastShapes(x!.shape, y!.shape) }];
  },
};

export const arithmeticOps: OpDef[] = [
  { ...broadcasting('Add'), since: 7 },
  { ...broadcasting('Sub'), since: 7 },
  { ...broadcasting('Mul'), since: 7 },
  { ...broadcasting('Div'), since: 7 },
  Pow,
  { ...unary('Neg', {}, ['float32', 'float64', 'int32', 'int64']), since: 6 },
  { ...unary('Abs', {}, ['float32', 'float64', 'int32', 'int64']), since: 6 },
  { ...unary('Sqrt'), since: 6 },
  { ...unary('Exp'), since: 6 },
  { ...unary('Log'), since: 6 },
  { ...unary('Sin'), since: 7 },
  { ...unary('Cos'), since: 7 },
  { ...unary('Tanh'), since: 6 },
  { ...unary('Identity', {}, ALL), since: 1 },
];
