import { DTYPES } from '../dtype.ts';
import { InferError, type OpDef } from '../op-def.ts';
import { broadcastShapes, fmtShape, normalizeAxis } from '../shape-utils.ts';
import { sizeOf } from '../tensor.ts';
import { constInts, normalizeAxes } from './const-input.ts';

/** Reshape (opset 14): 0 copies the input's dim (unless allowzero=1), one -1 is inferred. */
const Reshape: OpDef = {
  op: 'Reshape',
  constInputs: [1],
  since: 5,
  arity: [2, 2],
  attrs: { allowzero: { type: 'int', default: 0 } },
  dtypes: DTYPES,
  infer([x, s], attrs) {
    const spec = constInts(s, 'Reshape shape')!;
    const shape = spec.map((d, i) => {
      if (d === 0 && attrs.allowzero !== 1) {
        if (i >= x!.shape.length) throw new InferError(`shape entry ${i} is 0 (copy) but the input has rank ${x!.shape.length}`);
        return x!.shape[i];
      }
      if (d < -1) throw new InferError(`shape entry ${d} is invalid`);
      return d;
    });
    const unknown = shape.filter((d) => d === -1).length;
    if (unknown > 1) throw new InferError(`shape [${spec.join(', ')}] has more than one -1`);
    const total = sizeOf(x!.shape);
    if (unknown === 1) {
      const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
      if (known === 0 || total % known !== 0) throw new InferError(`cannot reshape ${fmtShape(x!.shape)} (${total} elements) to [${spec.join(', ')}]`);
      shape[shape.indexOf(-1)] = total / known;
    }
    if (sizeOf(shape) !== total) throw new InferError(`cannot reshape ${fmtShape(x!.shape)} (${total} elements) to ${fmtShape(shape)}`);
    return [{ dtype: x!.dtype, shape }];
  },
};

const Transpose: OpDef = {
  op: 'Transpose',
  since: 1,
  arity: [1, 1],
  attrs: { perm: { type: 'ints' } },
  dtypes: DTYPES,
  infer([x], attrs) {
    const r = x!.shape.length;
    const perm = (attrs.perm as number[] | undefined) ?? [...Array(r).keys()].reverse();
    if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
      throw new InferError(`perm [${perm.join(', ')}] is not a permutation of 0..${r - 1}`);
    }
    return [{ dtype: x!.dtype, shape: perm.map((p) => x!.shape[p]) }];
  },
};

const Concat: OpDef = {
  op: 'Concat',
  since: 4,
  arity: [1, Infinity],
  attrs: { axis: { type: 'int', required: true } },
  dtypes: DTYPES,
  infer(inputs, attrs) {
    const first = inputs[0]!;
    const axis = normalizeAxis(attrs.axis as number, first.shape.length);
    const shape = [...first.shape];
    for (const v of inputs.slice(1)) {
      if (v!.dtype !== first.dtype) throw new InferError(`input dtypes differ: ${first.dtype}, ${v!.dtype}`);
      if (v!.shape.length !== shape.length || v!.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
        throw new InferError(`shapes ${inputs.map((i) => fmtShape(i!.shape)).join(', ')} differ outside axis ${axis}`);
      }
      shape[axis] += v!.shape[axis];
    }
    return [{ dtype: first.dtype, shape }];
  },
};

/** Squeeze (opset 13): axes as an optional input; without it every size-1 axis goes. */
const Squeeze: OpDef = {
  op: 'Squeeze',
  constInputs: [1],
  since: 13,
  arity: [1, 2],
  attrs: {},
  dtypes: DTYPES,
  infer([x, a]) {
    const given = constInts(a, 'Squeeze axes');
    const axes = given ? normalizeAxes(given, x!.shape.length) : x!.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    for (const ax of axes) if (x!.shape[ax] !== 1) throw new InferError(`cannot squeeze axis ${ax} of size ${x!.shape[ax]}`);
    return [{ dtype: x!.dtype, shape: x!.shape.filter((_, i) => !axes.includes(i)) }];
  },
};

/** Unsqueeze (opset 13): axes as a required input, relative to the output's rank. */
const Unsqueeze: OpDef = {
  op: 'Unsqueeze',
  constInputs: [1],
  since: 13,
  arity: [2, 2],
  attrs: {},
  dtypes: DTYPES,
  infer([x, a]) {
    const given = constInts(a, 'Unsqueeze axes')!;
    const rank = x!.shape.length + given.length;
    const axes = normalizeAxes(given, rank);
    const shape: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x!.shape[k++]);
    return [{ dtype: x!.dtype, shape }];
  },
};

/** Expand (opset 8): bidirectional broadcast of the input with a constant shape. */
const Expand: OpDef = {
  op: 'Expand',
  constInputs: [1],
  since: 8,
  arity: [2, 2],
  attrs: {},
  dtypes: DTYPES,
  infer([x, s]) {
    return [{ dtype: x!.dtype, shape: broadcastShapes(x!.shape, constInts(s, 'Expand shape')!) }];
  },
};

export const shapeOps: OpDef[] = [Reshape, Transpose, Concat, Squeeze, Unsqueeze, Expand];
