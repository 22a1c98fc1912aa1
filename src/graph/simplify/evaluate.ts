import { isFloat } from '../dtype.ts';
import type { Node, ValueInfo } from '../ir.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../tensor.ts';

/**
 * Host evaluation of the few ops constant folding needs, on float tensors only: elementwise arithmetic with
 * broadcasting, and the ops that only move or repeat data (their output shape is the node's static shape).
 * Arithmetic runs in double precision and is stored in the output dtype, i.e. rounded once per op, as an
 * executor rounds it. Returns undefined for anything else, which then stays in the graph.
 */
const BINARY: Readonly<Record<string, (a: number, b: number) => number>> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: (a, b) => a ** b,
};
const UNARY: Readonly<Record<string, (a: number) => number>> = {
  Neg: (a) => -a,
  Sqrt: Math.sqrt,
  Exp: Math.exp,
  Log: Math.log,
  Tanh: Math.tanh,
  Abs: Math.abs,
  Reciprocal: (a) => 1 / a,
};
/** Ops whose output is the (first) input's data, repeated by broadcasting to the output shape. */
const DATA_MOVES = new Set(['Identity', 'Reshape', 'Expand', 'Squeeze', 'Unsqueeze', 'Flatten']);

export function canEvaluate(op: string): boolean {
  return op in BINARY || op in UNARY || DATA_MOVES.has(op) || op === 'Transpose';
}

export function evaluate(node: Node, inputs: readonly Tensor[], out: ValueInfo): Tensor | undefined {
  if (!isFloat(out.dtype) || !isFloat(inputs[0].dtype)) return undefined;
  const read = (t: Tensor) => broadcastReader(t.shape, out.shape);
  const n = sizeOf(out.shape);
  const values = new Float64Array(n);
  if (node.op in BINARY) {
    const [a, b] = inputs;
    if (!isFloat(b.dtype)) return undefined;
    const f = BINARY[node.op];
    const [ia, ib] = [read(a), read(b)];
    for (let i = 0; i < n; i++) values[i] = f(a.data[ia(i)] as number, b.data[ib(i)] as number);
  } else if (node.op in UNARY) {
    const f = UNARY[node.op];
    for (let i = 0; i < n; i++) values[i] = f(inputs[0].data[i] as number);
  } else if (DATA_MOVES.has(node.op)) {
    // Reshape-like ops keep the element count; Expand repeats; both read element i through the broadcast map.
    const t = inputs[0];
    const ix = node.op === 'Expand' ? read(t) : (i: number) => i;
    for (let i = 0; i < n; i++) values[i] = t.data[ix(i)] as number;
  } else if (node.op === 'Transpose') {
    const t = inputs[0];
    const perm = (node.attrs.perm as readonly number[] | undefined) ?? [...t.shape.keys()].reverse();
    const inStrides = strides(t.shape);
    const outStrides = strides(out.shape);
    for (let i = 0; i < n; i++) {
      let rest = i;
      let src = 0;
      for (let d = 0; d < out.shape.length; d++) {
        const k = Math.floor(rest / outStrides[d]);
        rest -= k * outStrides[d];
        src += k * inStrides[perm[d]];
      }
      values[i] = t.data[src] as number;
    }
  } else return undefined;
  return tensor(out.dtype, out.shape, values);
}

function strides(shape: Shape): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/** Maps a flat index of `out` to the flat index of a tensor of shape `shape` broadcast to it. */
function broadcastReader(shape: Shape, out: Shape): (i: number) => number {
  const offset = out.length - shape.length;
  const inStrides = strides(shape);
  const outStrides = strides(out);
  return (i) => {
    let rest = i;
    let src = 0;
    for (let d = 0; d < out.length; d++) {
      const k = Math.floor(rest / outStrides[d]);
      rest -= k * outStrides[d];
      const j = d - offset;
      if (j >= 0 && shape[j] !== 1) src += k * inStrides[j];
    }
    return src;
  };
}
