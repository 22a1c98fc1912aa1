import { GraphBuilder, type Value } from '../graph/builder.ts';
import type { Graph, Node } from '../graph/ir.ts';
import { tensor, toNumbers, type Tensor } from '../graph/tensor.ts';

/**
 * Taylor-mode (forward) input derivatives of a pointwise network, after the "forward Laplacian" of Li et al.
 * (2023): one forward pass carries, next to each value v that depends on the input x [N, D], its first
 * derivatives G_v = ∂v/∂x_d stacked on a new leading axis [D, ...v], and only the second derivatives asked for,
 * H_v = ∂²v/∂x_i∂x_j for the needed pairs (i, j), stacked as [P, ...v]. Linear ops (MatMul by a weight, adding
 * a bias, Slice) apply to every stream at once; an elementwise f gives G_y = f'(v)·G_v and
 * H_y = f'(v)·H_v + f''(v)·G_v[i]·G_v[j]. Written in forward ops, so the parameter gradient takes ordinary
 * reverse mode over the result. Replaces reverse-over-reverse, which re-runs a backward pass per coordinate.
 *
 * Returns undefined when a node between x and `of` has no Taylor rule here; the caller then falls back to
 * reverse mode (LossScope.derivative), which covers every op.
 */
export interface TaylorSpec {
  /** [N, K] network output. */
  readonly of: string;
  /** [N, D] input; samples must not interact (as for LossScope.derivative's default seed). */
  readonly wrt: string;
  /** [N, K] weights of `of`'s columns: the derivatives are of Σ_k seed·of (one-hot: one column). */
  readonly seed: Tensor;
  /** Coordinates r whose Hessian row ∂/∂x (∂(seed·of)/∂x_r) is wanted. */
  readonly rows: readonly number[];
  /** Output names: the [N, D] gradient, then one [N, D] Hessian row per entry of `rows`. */
  readonly names: { readonly first: string; readonly rows: readonly string[] };
}

interface Streams {
  /** [D, ...v] (broadcastable): ∂v/∂x_d; null where it is zero. */
  readonly g: Value | null;
  /** [P, ...v] (broadcastable): the needed ∂²v/∂x_i∂x_j; null where zero. */
  readonly h: Value | null;
}

type Rule = (b: GraphBuilder, node: Node, x: Value[], s: (Streams | undefined)[], y: Value, pairs: Pairs) => Streams | undefined;

/** The pairs (i, j), i ≤ j, that the requested rows need. */
interface Pairs {
  readonly list: readonly (readonly [number, number])[];
}

export function taylorDerivatives(graph: Graph, spec: TaylorSpec): Graph | undefined {
  const x = graph.value(spec.wrt);
  const of = graph.value(spec.of);
  if (x.shape.length !== 2 || of.shape.length !== 2 || of.shape[0] !== x.shape[0]) return undefined;
  const dims = x.shape[1];
  const list: [number, number][] = [];
  const index = (i: number, j: number) => {
    const [a, c] = i <= j ? [i, j] : [j, i];
    let k = list.findIndex(([p, q]) => p === a && q === c);
    if (k < 0) k = list.push([a, c]) - 1;
    return k;
  };
  const rowPairs = spec.rows.map((r) => [...Array(dims).keys()].map((d) => index(r, d)));
  const b = GraphBuilder.extend(graph);
  for (const o of graph.outputs) b.output(b.value(o.name));
  const pairs: Pairs = { list };

  // ∂x/∂x_d = e_d for every sample: an identity [D, 1, D] that broadcasts over the batch.
  const eye = Array.from({ length: dims * dims }, (_, k) => (Math.floor(k / dims) === k % dims ? 1 : 0));
  const streams = new Map<string, Streams>([[spec.wrt, { g: b.constant(tensor(x.dtype, [dims, 1, dims], eye)), h: null }]]);
  const upstream = upstreamOf(graph, spec.of);
  for (const node of graph.nodes) {
    if (!node.outputs.some((o) => upstream.has(o))) continue;
    const s = node.inputs.map((i) => (i ? streams.get(i) : undefined));
    if (s.every((v) => v === undefined)) continue;
    const rule = RULES[node.op];
    if (!rule || node.outputs.length !== 1) return undefined;
    const out = rule(b, node, node.inputs.map((i) => (i ? b.value(i) : (null as unknown as Value))), s, b.value(node.outputs[0]), pairs);
    if (!out) return undefined;
    streams.set(node.outputs[0], out);
  }
  const res = streams.get(spec.of);
  if (!res) return undefined;
  const seed = b.constant(spec.seed);
  // Σ_k seed[n, k]·S[·, n, k] → [streams, N] → [N, streams].
  const contract = (s: Value, name: string) => b.output(b.op1('Transpose', [b.op1('ReduceSum', [b.mul(s, seed), b.ints([-1])], { keepdims: 0 })], { perm: [1, 0] }), name);
  const zeros = (name: string) => b.output(b.op1('Identity', [b.constant(tensor(x.dtype, x.shape))]), name);
  if (res.g) contract(res.g, spec.names.first);
  else zeros(spec.names.first);
  spec.rows.forEach((_, k) => {
    if (res.h) contract(pick(b, res.h, rowPairs[k]), spec.names.rows[k]);
    else zeros(spec.names.rows[k]);
  });
  return b.build();
}

function upstreamOf(graph: Graph, of: string): Set<string> {
  const seen = new Set([of]);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (n.outputs.some((o) => seen.has(o))) for (const v of n.inputs) if (v) seen.add(v);
  }
  return seen;
}

/** Sum of stream values, null standing for zero. */
function plus(b: GraphBuilder, ...vs: (Value | null)[]): Value | null {
  const live = vs.filter((v): v is Value => v !== null);
  return live.length ? live.reduce((acc, v) => b.add(acc, v)) : null;
}
const map = (v: Value | null, f: (v: Value) => Value): Value | null => (v ? f(v) : null);

/** A linear map applied to both streams (the bias of an affine op belongs to the value only). */
const linear = (f: (b: GraphBuilder, v: Value) => Value): Rule => (b, _n, _x, [s]) => (s ? { g: map(s.g, (v) => f(b, v)), h: map(s.h, (v) => f(b, v)) } : undefined);

/** G[i]·G[j] over the needed pairs, [P, ...]. */
function pairProducts(b: GraphBuilder, ga: Value, gb: Value, pairs: Pairs): Value {
  return b.mul(pick(b, ga, pairs.list.map((p) => p[0])), pick(b, gb, pairs.list.map((p) => p[1])));
}

/**
 * Entries `idx` of a stream's leading axis, as Slices and one Concat: their gradients are a Pad and Slices,
 * where a Gather's is a one-hot MatMul between two large transposes (3× slower steps on ORT CPU).
 */
function pick(b: GraphBuilder, s: Value, idx: readonly number[]): Value {
  const parts = idx.map((i) => b.slice(s, [i], [i + 1], [0]));
  return parts.length === 1 ? parts[0] : b.concat(parts, 0);
}

/** y = f(a): G_y = f'·G_a, H_y = f'·H_a + f''·G_a[i]·G_a[j]; `derivs` gives f' and f'' from a and y. */
function elementwise(derivs: (b: GraphBuilder, a: Value, y: Value) => [Value, Value]): Rule {
  return (b, _n, [a], [s], y, pairs) => {
    if (!s?.g) return s;
    const [d1, d2] = derivs(b, a, y);
    const h = pairs.list.length ? plus(b, map(s.h, (v) => b.mul(d1, v)), b.mul(d2, pairProducts(b, s.g, s.g, pairs))) : null;
    return { g: b.mul(d1, s.g), h };
  };
}

/**
 * A stream [K, N, H] times a weight [H, H'] as one 2-D MatMul [K·N, H]·[H, H']: the batched form is slower on
 * ORT CPU, and its gradient (the parameter gradient runs over this graph) needs 3-D transposes and a reduction.
 */
function streamMatMul(b: GraphBuilder, v: Value, w: Value): Value {
  if (v.shape.length !== 3) return b.op1('MatMul', [v, w]);
  const [k, n, h] = v.shape;
  const flat = b.op1('Reshape', [v, b.ints([k * n, h])]);
  return b.op1('Reshape', [b.op1('MatMul', [flat, w]), b.ints([k, n, w.shape[1]])]);
}

/** Same rank as the output, so a stream's leading axis lines up with the other operand's broadcast. */
const sameRank = (v: Value, y: Value) => v.shape.length === y.shape.length;

const RULES: Readonly<Record<string, Rule>> = {
  Identity: (_b, _n, _x, [s]) => s,
  Neg: linear((b, v) => b.neg(v)),
  Add: (b, _n, [a, c], [sa, sc], y) => {
    if ((sa && !sameRank(a, y)) || (sc && !sameRank(c, y))) return undefined;
    return { g: plus(b, sa?.g ?? null, sc?.g ?? null), h: plus(b, sa?.h ?? null, sc?.h ?? null) };
  },
  Sub: (b, _n, [a, c], [sa, sc], y) => {
    if ((sa && !sameRank(a, y)) || (sc && !sameRank(c, y))) return undefined;
    const neg = (v: Value | null | undefined) => map(v ?? null, (w) => b.neg(w));
    return { g: plus(b, sa?.g ?? null, neg(sc?.g)), h: plus(b, sa?.h ?? null, neg(sc?.h)) };
  },
  Mul: (b, _n, [a, c], [sa, sc], y, pairs) => {
    if ((sa && !sameRank(a, y)) || (sc && !sameRank(c, y))) return undefined;
    const g = plus(b, map(sa?.g ?? null, (v) => b.mul(v, c)), map(sc?.g ?? null, (v) => b.mul(a, v)));
    const cross = sa?.g && sc?.g && pairs.list.length ? [pairProducts(b, sa.g, sc.g, pairs), pairProducts(b, sc.g, sa.g, pairs)] : [];
    const h = plus(b, map(sa?.h ?? null, (v) => b.mul(v, c)), map(sc?.h ?? null, (v) => b.mul(a, v)), ...cross);
    return { g, h };
  },
  Div: (b, _n, [a, c], [sa, sc], y) => {
    if (sc || !sa || !sameRank(a, y)) return undefined;
    return { g: map(sa.g, (v) => b.div(v, c)), h: map(sa.h, (v) => b.div(v, c)) };
  },
  MatMul: (b, _n, [a, w], [sa, sw]) => {
    if (sw || !sa || w.shape.length !== 2 || a.shape.length < 2) return undefined;
    return { g: map(sa.g, (v) => streamMatMul(b, v, w)), h: map(sa.h, (v) => streamMatMul(b, v, w)) };
  },
  Slice: (b, _n, [a, starts, ends, axes, steps], [sa]) => {
    const consts = [starts, ends, axes, steps].map((v) => (v ? v.constValue : undefined));
    if (!sa || !consts[0] || !consts[1] || (axes && !consts[2]) || (steps && !consts[3])) return undefined;
    const ax = consts[2] ? toNumbers(consts[2]).map((d) => (d < 0 ? d + a.shape.length : d)) : toNumbers(consts[0]).map((_, i) => i);
    const f = (v: Value) => b.slice(v, toNumbers(consts[0]!), toNumbers(consts[1]!), ax.map((d) => d + 1), consts[3] ? toNumbers(consts[3]) : undefined);
    // A stream broadcast over the batch axis (size 1 there) must not be sliced on it.
    if (ax.some((d, i) => d === 0 && !(toNumbers(consts[0]!)[i] === 0 && toNumbers(consts[1]!)[i] >= a.shape[0]))) return undefined;
    return { g: map(sa.g, f), h: map(sa.h, f) };
  },
  Tanh: elementwise((b, _a, y) => {
    const d1 = b.sub(b.scalar(1, y.dtype), b.mul(y, y));
    return [d1, b.mul(b.scalar(-2, y.dtype), b.mul(y, d1))];
  }),
  Sigmoid: elementwise((b, _a, y) => {
    const d1 = b.mul(y, b.sub(b.scalar(1, y.dtype), y));
    return [d1, b.mul(d1, b.sub(b.scalar(1, y.dtype), b.mul(b.scalar(2, y.dtype), y)))];
  }),
  Sin: elementwise((b, a, y) => [b.op1('Cos', [a]), b.neg(y)]),
  Cos: elementwise((b, a, y) => [b.neg(b.op1('Sin', [a])), b.neg(y)]),
  Exp: elementwise((_b, _a, y) => [y, y]),
};
