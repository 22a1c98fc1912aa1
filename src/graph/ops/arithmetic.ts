import type { OpDef } from '../op-def.ts';
import { broadcasting, unary } from './elementwise.ts';

export const arithmeticOps: OpDef[] = [
  broadcasting('Add'),
  broadcasting('Sub'),
  broadcasting('Mul'),
  broadcasting('Div'),
  broadcasting('Pow', 2, 2, ['float32', 'float64']),
  unary('Neg', {}, ['float32', 'float64', 'int32', 'int64']),
  unary('Abs', {}, ['float32', 'float64', 'int32', 'int64']),
  unary('Sqrt'),
  unary('Exp'),
  unary('Log'),
  unary('Sin'),
  unary('Cos'),
  unary('Tanh'),
  unary('Identity', {}, ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8']),
];
