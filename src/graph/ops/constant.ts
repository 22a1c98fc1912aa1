import { DTYPES, dtypeFromOnnxCode } from '../dtype.ts';
import type { AttrValue } from '../ir.ts';
import { InferError, type OpDef } from '../op-def.ts';
import { tensor, type Tensor } from '../tensor.ts';

/** Constant's value, from whichever of its (mutually exclusive) value attributes the node carries. */
export function constantOf(attrs: Readonly<Record<string, AttrValue>>): Tensor {
  const set = Object.keys(attrs).filter((k) => k.startsWith('value'));
  if (set.length !== 1) throw new InferError(`Constant needs exactly one value attribute, got ${set.length ? set.join(', ') : 'none'}`);
  const v = attrs[set[0]];
  switch (set[0]) {
    case 'value_float':
      return tensor('float32', [], [v as number]);
    case 'value_floats':
      return tensor('float32', [(v as number[]).length], v as number[]);
    case 'value_int':
      return tensor('int64', [], [v as number]);
    case 'value_ints':
      return tensor('int64', [(v as number[]).length], v as number[]);
    default:
      return v as Tensor;
  }
}

export const Constant: OpDef = {
  op: 'Constant',
  // value_float & co. arrived in opset 12, but a node using them under an older opset is simply invalid there.
  since: 1,
  arity: [0, 0],
  attrs: {
    value: { type: 'tensor' },
    value_float: { type: 'float' },
    value_floats: { type: 'floats' },
    value_int: { type: 'int' },
    value_ints: { type: 'ints' },
  },
  infer: (_inputs, attrs) => {
    const t = constantOf(attrs);
    return [{ dtype: t.dtype, shape: t.shape }];
  },
};

/** ONNX Cast's `to` is a TensorProto.DataType code; tandem casts between its own dtypes only. */
export const Cast: OpDef = {
  op: 'Cast',
  since: 13,
  arity: [1, 1],
  attrs: { to: { type: 'int', required: true } },
  dtypes: DTYPES,
  infer: ([x], attrs) => {
    const to = dtypeFromOnnxCode(attrs.to as number);
    if (!to) throw new InferError(`Cast to ONNX data type ${attrs.to} is not supported; tandem casts to ${DTYPES.join(', ')}`);
    return [{ dtype: to, shape: x!.shape }];
  },
};
