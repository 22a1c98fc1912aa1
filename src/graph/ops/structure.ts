import { DTYPES } from '../dtype.ts';
import { InferError, type OpDef } from '../op-def.ts';
import { fmtShape, normalizeAxis } from '../shape-utils.ts';
import { blockShuffle } from './block-shuffle.ts';
import { constFloats, constInts } from './const-input.ts';

const NUMERIC = ['float32', 'float64', 'int32', 'int64'] as const;
/** The element types ORT's CPU kernels cover (DepthToSpace/SpaceToDepth: float, double, uint8; Trilu: not uint8). */
const SHUFFLED = ['float32', 'float64', 'uint8'] as const;
const TRIANGULAR = ['float32', 'float64', 'int32', 'int64', 'bool'] as const;

/** The sizes Split cuts `dim` into: the `split` input, or `count` equal parts. */
export function splitSizes(dim: number, split: number[] | undefined, count: number | undefined): number[] {
  if (split) {
    if (split.some((s) => s < 0)) throw new InferError(`split [${split.join(', ')}] has a negative size`);
    const total = split.reduce((a, s) => a + s, 0);
    if (total !== dim) throw new InferError(`split [${split.join(', ')}] sums to ${total}, but the axis has ${dim}`);
    return split;
  }
  if (!count) throw new InferError('without a split input, Split needs its number of outputs to know the parts (give the node its outputs)');
  if (dim % count) throw new InferError(`the axis (${dim}) does not split into ${count} equal parts; give a split input`);
  return new Array<number>(count).fill(dim / count);
}

/** Split (opset 13): split sizes as an optional constant input, else equal parts, one per output. */
const Split: OpDef = {
  op: 'Split',
  constInputs: [1],
  since: 13,
  arity: [1, 2],
  attrs: { axis: { type: 'int', default: 0 } },
  dtypes: DTYPES,
  infer([x, s], attrs, outputCount) {
    const axis = normalizeAxis(attrs.axis as number, x!.shape.length);
    const split = constInts(s, 'Split split');
    if (split && outputCount !== undefined && split.length !== outputCount) {
      throw new InferError(`split has ${split.length} sizes for ${outputCount} outputs`);
    }
    return splitSizes(x!.shape[axis], split, outputCount).map((d) => ({ dtype: x!.dtype, shape: x!.shape.map((v, i) => (i === axis ? d : v)) }));
  },
};

/** Tile (opset 6): repeats as a constant int64 input, one per axis. */
const Tile: OpDef = {
  op: 'Tile',
  constInputs: [1],
  since: 6,
  arity: [2, 2],
  attrs: {},
  dtypes: DTYPES,
  infer([x, r]) {
    const repeats = constInts(r, 'Tile repeats')!;
    if (repeats.length !== x!.shape.length) throw new InferError(`repeats has ${repeats.length} values for rank ${x!.shape.length}`);
    if (repeats.some((v) => v < 0)) throw new InferError(`repeats [${repeats.join(', ')}] has a negative value`);
    return [{ dtype: x!.dtype, shape: x!.shape.map((d, i) => d * repeats[i]) }];
  },
};

const DepthToSpace: OpDef = {
  op: 'DepthToSpace',
  since: 11,
  arity: [1, 1],
  attrs: { blocksize: { type: 'int', required: true }, mode: { type: 'string', default: 'DCR' } },
  dtypes: SHUFFLED,
  infer: ([x], attrs) => [{ dtype: x!.dtype, shape: blockShuffle('DepthToSpace', x!.shape, attrs.blocksize as number, attrs.mode as string).out }],
};

const SpaceToDepth: OpDef = {
  op: 'SpaceToDepth',
  since: 1,
  arity: [1, 1],
  attrs: { blocksize: { type: 'int', required: true } },
  dtypes: SHUFFLED,
  infer: ([x], attrs) => [{ dtype: x!.dtype, shape: blockShuffle('SpaceToDepth', x!.shape, attrs.blocksize as number).out }],
};

/** CumSum (opset 14): the axis is a constant scalar (or one-element) input; exclusive and reverse attributes. */
const CumSum: OpDef = {
  op: 'CumSum',
  constInputs: [1],
  since: 11,
  arity: [2, 2],
  attrs: { exclusive: { type: 'int', default: 0 }, reverse: { type: 'int', default: 0 } },
  dtypes: NUMERIC,
  infer([x, a]) {
    const axis = constInts(a, 'CumSum axis')!;
    if (axis.length !== 1) throw new InferError(`axis must hold one value, got ${axis.length}`);
    normalizeAxis(axis[0], x!.shape.length);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

/** Trilu (opset 14): keeps the upper (or lower) triangle of the last two axes, from diagonal k (a constant input). */
const Trilu: OpDef = {
  op: 'Trilu',
  constInputs: [1],
  since: 14,
  arity: [1, 2],
  attrs: { upper: { type: 'int', default: 1 } },
  dtypes: TRIANGULAR,
  infer([x, k]) {
    if (x!.shape.length < 2) throw new InferError(`Trilu takes a tensor of rank ≥ 2, got ${fmtShape(x!.shape)}`);
    const given = constInts(k, 'Trilu k');
    if (given && given.length !== 1) throw new InferError(`k must hold one value, got ${given.length}`);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

/** The number of elements Range(start, limit, delta) makes: max(ceil((limit − start) / delta), 0). */
export function rangeLength(start: number, limit: number, delta: number): number {
  if (delta === 0) throw new InferError('delta is 0');
  return Math.max(Math.ceil((limit - start) / delta), 0);
}

/** Range (opset 11): start, limit and delta are constant scalars (the output's length depends on their values). */
const Range: OpDef = {
  op: 'Range',
  constInputs: [0, 1, 2],
  since: 11,
  arity: [3, 3],
  attrs: {},
  dtypes: NUMERIC,
  infer(inputs) {
    const [start, limit, delta] = inputs.map((v, i) => {
      if (v!.dtype !== inputs[0]!.dtype) throw new InferError(`start, limit and delta must share a dtype, got ${inputs.map((w) => w!.dtype).join(', ')}`);
      const vals = constFloats(v, `Range ${['start', 'limit', 'delta'][i]}`)!;
      if (vals.length !== 1) throw new InferError(`Range ${['start', 'limit', 'delta'][i]} must be a scalar, got ${vals.length} values`);
      return vals[0];
    });
    return [{ dtype: inputs[0]!.dtype, shape: [rangeLength(start, limit, delta)] }];
  },
};

/** The values of a constant Range, as every backend computes them: start + i·delta. */
export function rangeValues(start: number, limit: number, delta: number): number[] {
  return Array.from({ length: rangeLength(start, limit, delta) }, (_, i) => start + i * delta);
}

export const structureOps: OpDef[] = [Split, Tile, DepthToSpace, SpaceToDepth, CumSum, Trilu, Range];
