import { DTYPES } from '../dtype.ts';
import { InferError, type OpDef } from '../op-def.ts';
import { normalizeAxis } from '../shape-utils.ts';
import { constInts, normalizeAxes } from './const-input.ts';

/** One axis of a Slice, clamped the ONNX way (opset 13); shared with backends that lower Slice. */
export interface SliceAxis {
  readonly axis: number;
  readonly start: number;
  readonly step: number;
  readonly length: number;
}

/** Resolves Slice bounds: negative indices count from the end; INT64 extremes saturate; negative steps walk back. */
export function sliceAxes(shape: readonly number[], starts: number[], ends: number[], axes?: number[], steps?: number[]): SliceAxis[] {
  if (ends.length !== starts.length) throw new InferError(`starts and ends have ${starts.length} and ${ends.length} values`);
  const ax = normalizeAxes(axes ?? starts.map((_, i) => i), shape.length);
  if (ax.length !== starts.length) throw new InferError(`axes has ${ax.length} values, starts has ${starts.length}`);
  const st = steps ?? starts.map(() => 1);
  if (st.length !== starts.length) throw new InferError(`steps has ${st.length} values, starts has ${starts.length}`);
  return ax.map((axis, i) => {
    const dim = shape[axis];
    const step = st[i];
    if (step === 0) throw new InferError(`step on axis ${axis} is 0`);
    const norm = (v: number): number => (v < 0 ? v + dim : v);
    const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
    const start = step > 0 ? clamp(norm(starts[i]), 0, dim) : clamp(norm(starts[i]), 0, dim - 1);
    const end = step > 0 ? clamp(norm(ends[i]), 0, dim) : clamp(norm(ends[i]), -1, dim - 1);
    const length = Math.max(0, Math.ceil((end - start) / step));
    return { axis, start, step, length };
  });
}

const Slice: OpDef = {
  op: 'Slice',
  constInputs: [1, 2, 3, 4],
  since: 11,
  arity: [3, 5],
  attrs: {},
  dtypes: DTYPES,
  infer([x, s, e, a, st]) {
    const shape = [...x!.shape];
    const axes = sliceAxes(shape, constInts(s, 'Slice starts')!, constInts(e, 'Slice ends')!, constInts(a, 'Slice axes'), constInts(st, 'Slice steps'));
    for (const { axis, length } of axes) shape[axis] = length;
    return [{ dtype: x!.dtype, shape }];
  },
};

/** Gather (opset 13): out = data.shape[:axis] ++ indices.shape ++ data.shape[axis+1:]. */
const Gather: OpDef = {
  op: 'Gather',
  since: 11,
  arity: [2, 2],
  attrs: { axis: { type: 'int', default: 0 } },
  dtypes: DTYPES,
  infer([x, idx], attrs) {
    if (idx!.dtype !== 'int64' && idx!.dtype !== 'int32') throw new InferError(`indices must be int32 or int64, got ${idx!.dtype}`);
    const axis = normalizeAxis(attrs.axis as number, x!.shape.length);
    return [{ dtype: x!.dtype, shape: [...x!.shape.slice(0, axis), ...idx!.shape, ...x!.shape.slice(axis + 1)] }];
  },
};

const PAD_MODES = ['constant', 'reflect', 'edge'];

/**
 * Pad (opset 13): pads [begins…, ends…] as an input (negative pads crop), optional constant_value input.
 * Circular padding is opset 19; the builder's `pad(…, 'circular')` lowers it to Slice + Concat.
 */
const Pad: OpDef = {
  op: 'Pad',
  constInputs: [1],
  since: 11,
  arity: [2, 3],
  attrs: { mode: { type: 'string', default: 'constant' } },
  dtypes: DTYPES,
  infer([x, p, c], attrs) {
    const mode = attrs.mode as string;
    if (!PAD_MODES.includes(mode)) throw new InferError(`mode "${mode}" is not one of ${PAD_MODES.join(', ')} (for circular use the builder's pad sugar)`);
    const r = x!.shape.length;
    const pads = constInts(p, 'Pad pads')!;
    if (pads.length !== 2 * r) throw new InferError(`pads has ${pads.length} values, expected ${2 * r} for rank ${r}`);
    if (c && c.dtype !== x!.dtype) throw new InferError(`constant_value is ${c.dtype}, data is ${x!.dtype}`);
    const shape = x!.shape.map((d, i) => d + pads[i] + pads[i + r]);
    if (shape.some((d) => d < 0)) throw new InferError(`pads [${pads.join(', ')}] crop more than the input has`);
    if (mode === 'reflect' && x!.shape.some((d, i) => pads[i] >= d || pads[i + r] >= d)) {
      throw new InferError(`reflect pads [${pads.join(', ')}] must be smaller than each padded axis`);
    }
    return [{ dtype: x!.dtype, shape }];
  },
};

export const indexingOps: OpDef[] = [Slice, Gather, Pad];
