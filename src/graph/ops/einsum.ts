import { InferError, type OpDef } from '../op-def.ts';
import { parseEinsum } from './einsum-equation.ts';

/** Einsum (opset 12) on floats: the equation resolved against the static operand shapes (see einsum-equation.ts). */
export const Einsum: OpDef = {
  op: 'Einsum',
  since: 12,
  arity: [1, Infinity],
  attrs: { equation: { type: 'string', required: true } },
  dtypes: ['float32', 'float64'],
  infer(inputs, attrs) {
    const dtype = inputs[0]!.dtype;
    if (inputs.some((v) => v!.dtype !== dtype)) throw new InferError(`input dtypes differ: ${inputs.map((v) => v!.dtype).join(', ')}`);
    const spec = parseEinsum(attrs.equation as string, inputs.map((v) => v!.shape));
    return [{ dtype, shape: spec.output.map((l) => spec.sizes.get(l)!) }];
  },
};
