import { InferError, type OpDef } from '../op-def.ts';
import { broadcastShapes, fmtShape, sameShape } from '../shape-utils.ts';
import { unary } from './elementwise.ts';

/**
 * Clip (opset 11: min and max are optional rank-0 inputs, computed or constant; before 11 they were attributes,
 * and tandem reads opsets from 11). min > max gives max everywhere, as ONNX defines it.
 */
const Clip: OpDef = {
  op: 'Clip',
  since: 11,
  arity: [1, 3],
  attrs: {},
  dtypes: ['float32', 'float64', 'int32', 'int64'],
  infer([x, ...bounds]) {
    for (const [k, v] of bounds.entries()) {
      if (!v) continue;
      if (v.dtype !== x!.dtype) throw new InferError(`${k ? 'max' : 'min'} ("${v.name}") is ${v.dtype}, but the input is ${x!.dtype}`);
      if (v.shape.length !== 0) throw new InferError(`${k ? 'max' : 'min'} ("${v.name}") must be a scalar (rank 0), got ${fmtShape(v.shape)}`);
    }
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

/** PRelu (opset 9 to 16 agree for floats): slope broadcasts to X in one direction (the output has X's shape). */
const PRelu: OpDef = {
  op: 'PRelu',
  since: 9,
  arity: [2, 2],
  attrs: {},
  dtypes: ['float32', 'float64'],
  infer([x, slope]) {
    if (slope!.dtype !== x!.dtype) throw new InferError(`input dtypes differ: ${x!.dtype}, ${slope!.dtype}`);
    if (!sameShape(broadcastShapes(x!.shape, slope!.shape), x!.shape)) {
      throw new InferError(`slope ${fmtShape(slope!.shape)} does not broadcast to the input ${fmtShape(x!.shape)}`);
    }
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

/**
 * Activations (opset 17, and Mish from opset 18: onnxruntime, which reads opset 17, runs Mish as its ONNX function
 * body, x·tanh(softplus(x)), see onnx/opset17-expansions.ts). Gelu (opset 20) is a builder lowering (lowerings.ts).
 */
export const activationOps: OpDef[] = [
  { ...unary('Sigmoid'), since: 6 },
  { ...unary('Relu'), since: 6 },
  { ...unary('LeakyRelu', { alpha: { type: 'float', default: 0.01 } }), since: 6 },
  { ...unary('Erf'), since: 9 },
  { ...unary('Softplus'), since: 1 },
  Clip,
  PRelu,
  { ...unary('HardSigmoid', { alpha: { type: 'float', default: 0.2 }, beta: { type: 'float', default: 0.5 } }), since: 6 },
  { ...unary('HardSwish'), since: 14 },
  { ...unary('Elu', { alpha: { type: 'float', default: 1 } }), since: 6 },
  { ...unary('Selu', { alpha: { type: 'float', default: 1.67326319217681884765625 }, gamma: { type: 'float', default: 1.05070102214813232421875 } }), since: 6 },
  { ...unary('Celu', { alpha: { type: 'float', default: 1 } }), since: 12 },
  { ...unary('Softsign'), since: 1 },
  { ...unary('Mish'), since: 18 },
];
