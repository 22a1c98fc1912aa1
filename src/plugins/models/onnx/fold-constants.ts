import '../../../graph/ops/index.ts';
import { allocate, isFloat, type DType } from '../../../graph/dtype.ts';
import { inferNode } from '../../../graph/infer-node.ts';
import type { AttrValue } from '../../../graph/ir.ts';
import { sliceAxes } from '../../../graph/ops/indexing.ts';
import { normalizeAxis } from '../../../graph/shape-utils.ts';
import { sizeOf, toNumbers, type Shape, type Tensor } from '../../../graph/tensor.ts';

/**
 * Import-time constant folding (specs/bring-your-own-model.md §3): tandem compiles for known shapes, so the
 * shape arithmetic an exporter writes (`x.size(0)` → Shape, Gather, Unsqueeze, Concat → Reshape) is a constant
 * once the data shapes are bound. These are the ops folded when every input is a constant; the values are
 * small integer vectors (shapes, pads, indices), so a plain loop over JS numbers is the whole evaluator.
 * Output shapes and dtypes come from tandem's own op definitions (`inferNode`), so a folded op means exactly
 * what the emitted one would.
 */
export const FOLDABLE_OPS = new Set([
  'Identity', 'Cast', 'Neg', 'Abs', 'Sqrt',
  'Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Equal', 'Less', 'Greater', 'Where',
  'Gather', 'Slice', 'Concat', 'Unsqueeze', 'Squeeze', 'Reshape', 'Expand', 'Transpose',
]);

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** A tensor from JS numbers; int64 saturates (torch writes INT64_MAX for "to the end", which a double rounds up). */
export function fromNumbers(dtype: DType, shape: Shape, values: ArrayLike<number>): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  if (data instanceof BigInt64Array) {
    for (let i = 0; i < data.length; i++) {
      const v = values[i];
      data[i] = v >= 2 ** 63 ? INT64_MAX : v <= -(2 ** 63) ? INT64_MIN : BigInt(Math.trunc(v));
    }
  } else {
    for (let i = 0; i < data.length; i++) data[i] = values[i];
  }
  return { dtype, shape: [...shape], data };
}

/** Row-major strides. */
function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** For each element of `out`, the flat index of the element of `shape` broadcast to it (numpy rules). */
function broadcastIndex(shape: Shape, out: Shape): number[] {
  const os = stridesOf(out);
  const is = stridesOf(shape);
  const off = out.length - shape.length;
  return Array.from({ length: sizeOf(out) }, (_, flat) => {
    let src = 0;
    for (let k = 0; k < shape.length; k++) {
      const coord = Math.floor(flat / os[k + off]) % out[k + off];
      if (shape[k] !== 1) src += coord * is[k];
    }
    return src;
  });
}

/** A value of `dtype` as ONNX stores it after an operation: integers truncate, bools are 0/1. */
function castValue(v: number, dtype: DType): number {
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  return isFloat(dtype) ? v : Math.trunc(v);
}

const ELEMENTWISE: Record<string, (...v: number[]) => number> = {
  Identity: (a) => a,
  Cast: (a) => a,
  Neg: (a) => -a,
  Abs: (a) => Math.abs(a),
  Sqrt: (a) => Math.sqrt(a),
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  // Integer Div truncates, as ORT and the ONNX reference do; castValue below does the truncation.
  Div: (a, b) => a / b,
  Max: (...v) => Math.max(...v),
  Min: (...v) => Math.min(...v),
  Equal: (a, b) => +(a === b),
  Less: (a, b) => +(a < b),
  Greater: (a, b) => +(a > b),
  Where: (c, a, b) => (c ? a : b),
  Expand: (a) => a,
};

/** Copies of the same values under another shape. */
const RESHAPES = new Set(['Reshape', 'Squeeze', 'Unsqueeze']);

/**
 * Evaluates one node whose inputs are all constants (`undefined` for an omitted optional input). The caller
 * checks `FOLDABLE_OPS`; inference errors (bad axes, mismatched shapes) are GraphErrors naming the node.
 */
export function foldNode(node: string, op: string, inputs: readonly (Tensor | undefined)[], attrs: Readonly<Record<string, AttrValue>>): Tensor {
  const infos = inputs.map((t, i) => (t ? { name: `${node}:${i}`, dtype: t.dtype, shape: t.shape, constValue: t } : undefined));
  const [out] = inferNode(node, op, infos, attrs);
  const xs = inputs.map((t) => (t ? toNumbers(t) : []));
  const present = inputs.filter((t): t is Tensor => !!t);
  let values: number[];
  if (ELEMENTWISE[op]) {
    const f = ELEMENTWISE[op];
    // Expand's second input is the target shape, not an operand.
    const operands = op === 'Expand' ? present.slice(0, 1) : present;
    const index = operands.map((t) => broadcastIndex(t.shape, out.shape));
    values = Array.from({ length: sizeOf(out.shape) }, (_, i) => castValue(f(...index.map((idx, k) => xs[k][idx[i]])), out.dtype));
  } else if (RESHAPES.has(op)) {
    values = xs[0];
  } else if (op === 'Concat') {
    values = concat(present, out.shape, normalizeAxis(attrs.axis as number, out.shape.length));
  } else if (op === 'Gather') {
    values = gather(present[0], xs[1], normalizeAxis((attrs.axis as number | undefined) ?? 0, present[0].shape.length));
  } else if (op === 'Slice') {
    const ints = (k: number) => (inputs[k] ? xs[k] : undefined);
    values = slice(present[0], ints(1)!, ints(2)!, ints(3), ints(4));
  } else if (op === 'Transpose') {
    const rank = present[0].shape.length;
    values = transpose(present[0], (attrs.perm as number[] | undefined) ?? [...Array(rank).keys()].reverse());
  } else {
    throw new Error(`fold: ${op} is not a foldable op (node "${node}")`);
  }
  return fromNumbers(out.dtype, out.shape, values);
}

function concat(parts: readonly Tensor[], out: Shape, axis: number): number[] {
  const outer = sizeOf(out.slice(0, axis));
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const t of parts) {
      const block = sizeOf(t.shape.slice(axis));
      values.push(...toNumbers(t).slice(o * block, (o + 1) * block));
    }
  }
  return values;
}

function gather(x: Tensor, indices: readonly number[], axis: number): number[] {
  const data = toNumbers(x);
  const dim = x.shape[axis];
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const values: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of indices) {
      const i = raw < 0 ? raw + dim : raw;
      values.push(...data.slice((o * dim + i) * inner, (o * dim + i + 1) * inner));
    }
  }
  return values;
}

function slice(x: Tensor, starts: number[], ends: number[], axes?: number[], steps?: number[]): number[] {
  const data = toNumbers(x);
  const picks = x.shape.map((d) => [...Array(d).keys()]);
  for (const { axis, start, step, length } of sliceAxes(x.shape, starts, ends, axes, steps)) {
    picks[axis] = Array.from({ length }, (_, k) => start + k * step);
  }
  return gatherCoords(data, x.shape, picks);
}

function transpose(x: Tensor, perm: readonly number[]): number[] {
  const data = toNumbers(x);
  const is = stridesOf(x.shape);
  const out = perm.map((p) => x.shape[p]);
  const os = stridesOf(out);
  return Array.from({ length: data.length }, (_, flat) => {
    let src = 0;
    for (let k = 0; k < out.length; k++) src += (Math.floor(flat / os[k]) % out[k]) * is[perm[k]];
    return data[src];
  });
}

/** The elements at every combination of the per-axis coordinates in `picks`, in row-major order. */
function gatherCoords(data: readonly number[], shape: Shape, picks: readonly number[][]): number[] {
  const is = stridesOf(shape);
  let offsets = [0];
  picks.forEach((coords, axis) => {
    offsets = offsets.flatMap((o) => coords.map((c) => o + c * is[axis]));
  });
  return offsets.map((o) => data[o]);
}
