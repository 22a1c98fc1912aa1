import { DTYPES } from '../dtype.ts';
import { InferError, type InferInput, type OpDef } from '../op-def.ts';
import { fmtShape, normalizeAxis, sameShape } from '../shape-utils.ts';

function indexDtype(idx: InferInput): void {
  if (idx.dtype !== 'int64' && idx.dtype !== 'int32') throw new InferError(`indices must be int32 or int64, got ${idx.dtype}`);
}

/** reduction values of opset 16 (max and min arrive in opset 18). */
const SCATTER_REDUCTIONS = ['none', 'add', 'mul'];

function reduction(attrs: Readonly<Record<string, unknown>>): void {
  const r = attrs.reduction as string;
  if (!SCATTER_REDUCTIONS.includes(r)) throw new InferError(`reduction "${r}" is not one of ${SCATTER_REDUCTIONS.join(', ')}`);
}

/** GatherElements (opset 13): out[i…] = data[i… with indices[i…] on `axis`]; the output has the indices' shape. */
const GatherElements: OpDef = {
  op: 'GatherElements',
  since: 11,
  arity: [2, 2],
  attrs: { axis: { type: 'int', default: 0 } },
  dtypes: DTYPES,
  infer([x, idx], attrs) {
    indexDtype(idx!);
    normalizeAxis(attrs.axis as number, x!.shape.length);
    if (idx!.shape.length !== x!.shape.length) throw new InferError(`indices ${fmtShape(idx!.shape)} and data ${fmtShape(x!.shape)} must have the same rank`);
    return [{ dtype: x!.dtype, shape: idx!.shape }];
  },
};

/** ScatterElements (opset 16): data with updates written (or added, multiplied) at the element positions GatherElements reads. */
const ScatterElements: OpDef = {
  op: 'ScatterElements',
  since: 11,
  arity: [3, 3],
  attrs: { axis: { type: 'int', default: 0 }, reduction: { type: 'string', default: 'none' } },
  dtypes: DTYPES,
  infer([x, idx, u], attrs) {
    indexDtype(idx!);
    reduction(attrs);
    normalizeAxis(attrs.axis as number, x!.shape.length);
    if (idx!.shape.length !== x!.shape.length) throw new InferError(`indices ${fmtShape(idx!.shape)} and data ${fmtShape(x!.shape)} must have the same rank`);
    if (!sameShape(idx!.shape, u!.shape)) throw new InferError(`updates ${fmtShape(u!.shape)} must have the indices' shape ${fmtShape(idx!.shape)}`);
    if (u!.dtype !== x!.dtype) throw new InferError(`updates are ${u!.dtype}, data is ${x!.dtype}`);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

/** ScatterND (opset 16): indices [..., q] address slices data[i0..iq-1]; updates has shape indices[:-1] ++ data[q:]. */
const ScatterND: OpDef = {
  op: 'ScatterND',
  since: 11,
  arity: [3, 3],
  attrs: { reduction: { type: 'string', default: 'none' } },
  dtypes: DTYPES,
  infer([x, idx, u], attrs) {
    if (idx!.dtype !== 'int64') throw new InferError(`indices must be int64, got ${idx!.dtype}`);
    reduction(attrs);
    const q = idx!.shape[idx!.shape.length - 1];
    if (idx!.shape.length < 1 || q > x!.shape.length) throw new InferError(`indices ${fmtShape(idx!.shape)} address ${q} axes of data ${fmtShape(x!.shape)}`);
    const want = [...idx!.shape.slice(0, -1), ...x!.shape.slice(q)];
    if (!sameShape(u!.shape, want)) throw new InferError(`updates ${fmtShape(u!.shape)} must have shape ${fmtShape(want)}`);
    if (u!.dtype !== x!.dtype) throw new InferError(`updates are ${u!.dtype}, data is ${x!.dtype}`);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
};

export const scatterOps: OpDef[] = [GatherElements, ScatterElements, ScatterND];
