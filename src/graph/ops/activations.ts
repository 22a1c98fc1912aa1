import type { OpDef } from '../op-def.ts';
import { unary } from './elementwise.ts';

/** Activations (opset 17). Gelu is opset 20, so the builder lowers `gelu` to Erf·Mul·Add instead. */
export const activationOps: OpDef[] = [
  { ...unary('Sigmoid'), since: 6 },
  { ...unary('Relu'), since: 6 },
  { ...unary('LeakyRelu', { alpha: { type: 'float', default: 0.01 } }), since: 6 },
  { ...unary('Erf'), since: 9 },
  { ...unary('Softplus'), since: 1 },
];
