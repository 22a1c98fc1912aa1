import { GraphBuilder, type Value } from '../graph/builder.ts';
import { isFloat } from '../graph/dtype.ts';
import { GraphError } from '../graph/errors.ts';
import type { AttrValue, Graph, Node } from '../graph/ir.ts';
import { findOp } from '../graph/op-registry.ts';
import { eliminateCommonSubexpressions } from '../graph/simplify/cse.ts';
import { sameShape } from '../graph/shape-utils.ts';
import { sizeOf, tensor, toNumbers, type Tensor } from '../graph/tensor.ts';
import { NON_DIFFERENTIABLE_OPS } from './op-names.ts';
import { pruneBackwardNodes } from './prune.ts';
import { defaultRules } from './register-all-rules.ts';
import type { GradContext } from './rule.ts';
import type { RuleRegistry } from './rule-registry.ts';
import { describeShape, sumToShape } from './sum-to-shape.ts';

export interface GradSpec {
  /** The value to differentiate (any float value of the graph, usually an output). */
  readonly of: string;
  /** Values to differentiate with respect to: parameters, data inputs, or intermediate values. */
  readonly wrt: readonly string[];
  /**
   * The cotangent fed into `of`: a tensor of `of`'s type, or the name of a graph value (e.g. an input fed at
   * run time). Default: ones, i.e. the gradient of sum(of). For a network whose samples do not interact, the
   * gradient of the sum w.r.t. a data input row is that sample's own input derivative.
   */
  readonly seed?: Tensor | string;
  /** Output names for the gradients, one per `wrt`. Default `grad:<wrt>`, or `grad:<of>:<wrt>` when taken. */
  readonly names?: readonly string[];
}

/**
 * Reverse-mode autodiff over the graph IR: returns the graph extended by gradient nodes and one gradient
 * output per `wrt`, keeping the original outputs. Gradients are written only in forward ops, so the result
 * can be differentiated again (second order: `grad(grad(g, ...), {of: 'grad:x', ...})`).
 */
export function grad(graph: Graph, spec: GradSpec, rules: RuleRegistry = defaultRules): Graph {
  const of = floatValue(graph, spec.of, 'of');
  const wrt = spec.wrt.map((w) => floatValue(graph, w, 'wrt'));
  const names = outputNames(graph, spec);
  const fromWrt = downstreamOf(graph, new Set(spec.wrt));
  const toOf = upstreamOf(graph, spec.of);
  const flows = (v: string): boolean => fromWrt.has(v) && toOf.has(v);

  const b = GraphBuilder.extend(graph);
  const grads = new Map<string, Value[]>();
  const contribute = (name: string, g: Value): void => {
    const list = grads.get(name) ?? [];
    list.push(g);
    grads.set(name, list);
  };
  contribute(spec.of, seedValue(b, graph, spec, of));

  for (let n = graph.nodes.length - 1; n >= 0; n--) {
    const node = graph.nodes[n];
    if (!node.outputs.some(flows)) continue;
    const origin = node.origin ?? node.name;
    const dy = b.withOrigin(origin, () => node.outputs.map((o) => (flows(o) && grads.has(o) ? total(b, grads.get(o)!) : null)));
    if (dy.every((g) => g === null) || node.op in NON_DIFFERENTIABLE_OPS) continue;
    const rule = rules.get(node.op);
    if (!rule) {
      throw new GraphError(node.name, node.op, `no gradient rule for op ${node.op}; ops with rules: ${rules.ops().join(', ')}. ` +
        'Add one in src/autodiff/rules/ (see specs/graph-and-autodiff.md, "Adding an op"), or stop the gradient before this node.');
    }
    const ctx = context(b, node, dy);
    const dx = b.withOrigin(origin, () => rule.grad(ctx));
    // Entries past the node's inputs stand for omitted optional inputs and must be null.
    if (dx.length < node.inputs.length || dx.slice(node.inputs.length).some((v) => v)) {
      throw new GraphError(node.name, node.op, `the gradient rule returned ${dx.length} gradients for ${node.inputs.length} inputs; it must return one (or null) per input`);
    }
    b.withOrigin(origin, () => {
      node.inputs.forEach((input, i) => {
        const g = dx[i];
        if (!input || !fromWrt.has(input)) return;
        if (!g) {
          throw new GraphError(node.name, node.op, `the gradient rule gives no gradient for input ${i} ("${input}"), but that input depends on the values being differentiated`);
        }
        const x = ctx.x[i]!;
        if (g.dtype !== x.dtype) {
          throw new GraphError(node.name, node.op, `the gradient rule returned ${g.dtype} for input ${i} ("${input}") of dtype ${x.dtype}`);
        }
        const summed = sumToShape(b, g, x.shape);
        if (!summed) {
          throw new GraphError(node.name, node.op, `the gradient rule returned shape ${describeShape(g)} for input ${i} ("${input}") of shape ${describeShape(x)}; it must be that shape or a broadcast of it`);
        }
        contribute(input, summed);
      });
    });
  }

  for (const o of graph.outputs) b.output(b.value(o.name)); // extend() leaves the outputs to us: keep the originals first
  wrt.forEach((w, i) => {
    const list = grads.get(w.name);
    const g = list ? total(b, list) : b.constant(tensor(w.dtype, w.shape)); // not connected to `of`: zero
    b.output(g, names[i]);
  });
  // Repeated passes (a Laplacian, then a parameter gradient) re-derive the same transposes and activation
  // derivatives; merging them here keeps every executor from running each many times. The forward nodes keep
  // their names, which parity compares, so only the appended backward part is merged.
  const merged = eliminateCommonSubexpressions(b.build(), { mergeFrom: graph.nodes.length, pinned: new Set(graph.initializers.keys()) });
  return pruneBackwardNodes(merged, graph);
}

function floatValue(graph: Graph, name: string, role: string): Value {
  const v = graph.values.get(name);
  if (!v) throw new Error(`grad: "${role}" names "${name}", which is not a value of graph "${graph.name}"`);
  if (!isFloat(v.dtype)) throw new Error(`grad: "${role}" value "${name}" has dtype ${v.dtype}; only float32/float64 values have gradients`);
  return v as Value;
}

function outputNames(graph: Graph, spec: GradSpec): string[] {
  if (spec.names) {
    if (spec.names.length !== spec.wrt.length) throw new Error(`grad: ${spec.names.length} names given for ${spec.wrt.length} "wrt" values`);
    return [...spec.names];
  }
  return spec.wrt.map((w) => {
    for (const n of [`grad:${w}`, `grad:${spec.of}:${w}`]) if (!graph.values.has(n)) return n;
    throw new Error(`grad: the names "grad:${w}" and "grad:${spec.of}:${w}" are taken in graph "${graph.name}"; pass "names"`);
  });
}

function seedValue(b: GraphBuilder, graph: Graph, spec: GradSpec, of: Value): Value {
  const seed = spec.seed;
  if (seed === undefined) return b.constant(tensor(of.dtype, of.shape, new Array(sizeOf(of.shape)).fill(1)));
  const v = typeof seed === 'string' ? b.value(seed) : b.constant(seed);
  if (typeof seed === 'string' && !graph.values.has(seed)) throw new Error(`grad: seed "${seed}" is not a value of graph "${graph.name}"`);
  if (v.dtype !== of.dtype || !sameShape(v.shape, of.shape)) {
    throw new Error(`grad: the seed is ${describeShape(v)} but "${spec.of}" is ${describeShape(of)}; they must match`);
  }
  return v;
}

/** Float values that depend on any of `roots` (gradients flow only through float values). */
function downstreamOf(graph: Graph, roots: Set<string>): Set<string> {
  const seen = new Set(roots);
  for (const n of graph.nodes) {
    if (!n.inputs.some((i) => i && seen.has(i))) continue;
    for (const o of n.outputs) if (o && isFloat(graph.value(o).dtype)) seen.add(o);
  }
  return seen;
}

/** Values that `of` depends on. */
function upstreamOf(graph: Graph, of: string): Set<string> {
  const seen = new Set([of]);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (n.outputs.some((o) => seen.has(o))) for (const x of n.inputs) if (x) seen.add(x);
  }
  return seen;
}

/** Sum of fan-out contributions. */
function total(b: GraphBuilder, parts: readonly Value[]): Value {
  return parts.reduce((acc, p) => b.add(acc, p));
}

function context(b: GraphBuilder, node: Node, dy: (Value | null)[]): GradContext {
  const x = node.inputs.map((i) => (i ? b.value(i) : null));
  const y = node.outputs.map((o) => b.value(o));
  const fail = (detail: string): never => {
    throw new GraphError(node.name, node.op, detail);
  };
  return {
    b, node, x, y, dy, fail,
    get g() {
      return dy[0] ?? fail('a gradient reached only a secondary output, which this op\'s gradient rule does not handle');
    },
    attr<T extends AttrValue>(name: string): T {
      const v = node.attrs[name] ?? findOp(node.op)?.attrs[name]?.default;
      return (v ?? fail(`the gradient rule needs attribute "${name}", which the node lacks and has no default`)) as T;
    },
    scalar: (v: number) => b.scalar(v, y[0].dtype),
    ints(i: number): number[] {
      const c = x[i]?.constValue;
      return c ? toNumbers(c) : fail(`the gradient rule needs input ${i} ("${node.inputs[i] ?? ''}") to be a constant`);
    },
  };
}
