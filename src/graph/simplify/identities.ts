import { GraphError } from '../errors.ts';
import type { Graph, Node } from '../ir.ts';
import { broadcastShapes, sameShape } from '../shape-utils.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { outputNames, rebuild } from './rebuild.ts';

/**
 * Algebraic identities, each exact in floating point:
 *   x·1, 1·x, x/1, x+0, 0+x, x−0 → x        (when the result has x's shape, i.e. the constant does not broadcast x)
 *   Identity(x) → x
 *   Transpose(Transpose(x, p), q) → Transpose(x, p∘q), or x when that is the identity
 *   Reshape(Reshape(x)) → Reshape(x); Reshape(x) to x's own shape → x
 *   a binary elementwise op reading Expand(s) → the op reading s, when broadcasting s gives the same result shape
 * A bypassed value is read from its replacement; the nodes left without readers go in dead-node elimination.
 */
export function applyIdentities(graph: Graph): Graph {
  const rename = new Map<string, string>();
  const resolve = (v: string): string => rename.get(v) ?? v;
  const producer = new Map<string, Node>();
  const outputs = outputNames(graph);
  const initializers = new Map<string, Tensor>(graph.initializers);
  const shapeOf = (v: string) => graph.value(v).shape;
  const nodes: Node[] = [];
  let fresh = 0;
  const shapeConstant = (shape: readonly number[]): string => {
    let name: string;
    do name = `simplify/shape_${fresh++}`;
    while (graph.values.has(name) || initializers.has(name));
    initializers.set(name, tensor('int64', [shape.length], shape));
    return name;
  };

  for (const original of graph.nodes) {
    let n: Node = original.inputs.some((i) => rename.has(i)) ? { ...original, inputs: original.inputs.map(resolve) } : original;
    const out = n.outputs[0];
    const bypass = (x: string): boolean => {
      if (outputs.has(out) || graph.value(x).dtype !== graph.value(out).dtype || !sameShape(shapeOf(x), shapeOf(out))) return false;
      rename.set(out, x);
      return true;
    };
    const isConst = (v: string, value: number) => {
      const t = initializers.get(v);
      return t !== undefined && t.dtype !== 'int64' && Array.from(t.data as ArrayLike<number>).every((e) => e === value);
    };
    const [a, b] = n.inputs;
    if (n.op === 'Identity' && bypass(a)) continue;
    if (n.op === 'Mul' && ((isConst(b, 1) && bypass(a)) || (isConst(a, 1) && bypass(b)))) continue;
    if (n.op === 'Add' && ((isConst(b, 0) && bypass(a)) || (isConst(a, 0) && bypass(b)))) continue;
    if ((n.op === 'Sub' && isConst(b, 0)) || (n.op === 'Div' && isConst(b, 1))) if (bypass(a)) continue;

    const inner = producer.get(a);
    if (n.op === 'Transpose' && inner?.op === 'Transpose') {
      const p = permOf(inner, shapeOf(inner.inputs[0]).length);
      const q = permOf(n, p.length);
      const composed = q.map((d) => p[d]);
      if (composed.every((d, i) => d === i) && bypass(inner.inputs[0])) continue;
      n = { ...n, inputs: [inner.inputs[0]], attrs: { ...n.attrs, perm: composed } };
    }
    if (n.op === 'Reshape') {
      const source = inner?.op === 'Reshape' ? inner.inputs[0] : a;
      if (bypass(source)) continue;
      // A fresh shape constant with the static output shape: ONNX Reshape reads 0 as "copy the input's dim", so
      // the old shape input may not mean the same thing against the new source.
      if (source !== a) n = { ...n, inputs: [source, shapeConstant(shapeOf(out))], attrs: {} };
    }
    if (BROADCASTING.has(n.op) && n.inputs.length === 2) {
      // One side at a time, against the other side as already rewritten: two broadcast scalars must keep one.
      const ins = [...n.inputs];
      for (const i of [0, 1]) {
        const e = producer.get(ins[i]);
        if (e?.op === 'Expand' && sameShape(tryBroadcast(shapeOf(e.inputs[0]), shapeOf(ins[1 - i])) ?? [], shapeOf(out))) ins[i] = e.inputs[0];
      }
      if (ins.some((x, i) => x !== n.inputs[i])) n = { ...n, inputs: ins };
    }
    for (const o of n.outputs) producer.set(o, n);
    nodes.push(n);
  }
  return rebuild(graph, nodes, rename, initializers);
}

const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow']);

function permOf(n: Node, rank: number): number[] {
  const p = n.attrs.perm as readonly number[] | undefined;
  if (p && p.length !== rank) throw new GraphError(n.name, n.op, `perm has ${p.length} axes for a rank-${rank} input`);
  return p ? [...p] : [...Array(rank).keys()].reverse();
}

function tryBroadcast(a: readonly number[], b: readonly number[]): number[] | undefined {
  try {
    return broadcastShapes(a, b);
  } catch {
    return undefined;
  }
}
