import './ops/index.ts';
import type { DType } from './dtype.ts';
import { GraphError } from './errors.ts';
import { Graph, type AttrValue, type Node, type ValueInfo } from './ir.ts';
import { inferNode } from './infer-node.ts';
import { constantOf } from './ops/constant.ts';
import { tensor, type Shape, type Tensor } from './tensor.ts';

/** A handle to a value in the graph under construction. */
export class Value implements ValueInfo {
  constructor(
    readonly name: string,
    readonly dtype: DType,
    readonly shape: Shape,
    /** Known when the value is a constant: shape and axes inputs are read from here during inference. */
    readonly constValue?: Tensor,
  ) {}

  get rank(): number {
    return this.shape.length;
  }
}

export interface OpOptions {
  /** Node name; a unique one is made from the op type otherwise. */
  readonly name?: string;
}

/**
 * Builds a typed graph node by node. Every `op` call checks arity, attributes and dtypes and infers the
 * output types at once, so a mistake is reported at the line that made it, naming the node.
 */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly values = new Map<string, Value>();
  private readonly initializers = new Map<string, Tensor>();
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private origin: string | undefined;

  constructor(readonly name: string) {}

  /** A builder that continues an existing graph (used by autodiff to append backward nodes). */
  static extend(graph: Graph, name = graph.name): GraphBuilder {
    const b = new GraphBuilder(name);
    for (const [k, t] of graph.initializers) b.initializers.set(k, t);
    for (const i of graph.inputs) b.inputs.push(i);
    for (const v of graph.values.values()) b.register(new Value(v.name, v.dtype, v.shape, graph.initializers.get(v.name)));
    for (const n of graph.nodes) {
      b.nodes.push(n);
      b.used.add(n.name);
    }
    // Constant-node outputs are constants too.
    for (const n of graph.nodes) {
      if (n.op === 'Constant') {
        const v = b.values.get(n.outputs[0])!;
        b.values.set(v.name, new Value(v.name, v.dtype, v.shape, constantOf(n.attrs)));
      }
    }
    return b;
  }

  input(name: string, dtype: DType, shape: Shape): Value {
    const v = this.register(new Value(this.claim(name), dtype, [...shape]));
    this.inputs.push({ name: v.name, dtype, shape: v.shape });
    return v;
  }

  /** A constant tensor, stored as an initializer. */
  constant(t: Tensor, name?: string): Value {
    const n = name ? this.claim(name) : this.fresh('const');
    this.initializers.set(n, t);
    return this.register(new Value(n, t.dtype, t.shape, t));
  }

  /** A rank-0 constant of the given dtype. */
  scalar(v: number, dtype: DType = 'float32'): Value {
    return this.constant(tensor(dtype, [], [v]));
  }

  /** A 1-D int64 constant: the form ONNX takes shapes, axes, pads and slice bounds in. */
  ints(values: readonly number[]): Value {
    return this.constant(tensor('int64', [values.length], values));
  }

  value(name: string): Value {
    const v = this.values.get(name);
    if (!v) throw new GraphError(name, 'value', `no value named "${name}" in graph "${this.name}"`);
    return v;
  }

  /** Adds one node and returns its outputs. Attributes are checked against the op's definition. */
  op(op: string, inputs: readonly (Value | null)[], attrs: Record<string, AttrValue> = {}, opts: OpOptions = {}): Value[] {
    const nodeName = opts.name ? this.claim(opts.name) : this.fresh(op);
    const inferred = inferNode(nodeName, op, inputs.map((v) => v ?? undefined), attrs);
    // The node's first output shares the node's name, which keeps graphs readable in Netron and in errors.
    const outs = inferred.map((o, i) => this.register(new Value(i === 0 ? nodeName : this.fresh(`${nodeName}_${i}`), o.dtype, o.shape)));
    if (op === 'Constant') {
      const v = outs[0];
      outs[0] = this.register(new Value(v.name, v.dtype, v.shape, constantOf(attrs)));
    }
    this.nodes.push({
      name: nodeName,
      op,
      inputs: inputs.map((v) => v?.name ?? ''),
      outputs: outs.map((v) => v.name),
      attrs: { ...attrs },
      ...(this.origin ? { origin: this.origin } : {}),
    });
    return outs;
  }

  /** `op` for the common single-output case. */
  op1(op: string, inputs: readonly (Value | null)[], attrs: Record<string, AttrValue> = {}, opts: OpOptions = {}): Value {
    return this.op(op, inputs, attrs, opts)[0];
  }

  /** Marks a value as a graph output, under `name` when given (through an Identity node if it must be renamed). */
  output(v: Value, name?: string): Value {
    let out = v;
    if (name && name !== v.name) out = this.op1('Identity', [v], {}, { name });
    this.outputs.push({ name: out.name, dtype: out.dtype, shape: out.shape });
    return out;
  }

  /** Tags every node made inside `fn` with the forward node it was derived from. */
  withOrigin<T>(origin: string, fn: () => T): T {
    const saved = this.origin;
    this.origin = origin;
    try {
      return fn();
    } finally {
      this.origin = saved;
    }
  }

  build(): Graph {
    const values = new Map<string, ValueInfo>();
    for (const v of this.values.values()) values.set(v.name, { name: v.name, dtype: v.dtype, shape: v.shape });
    return new Graph(this.name, [...this.inputs], [...this.outputs], new Map(this.initializers), [...this.nodes], values);
  }

  // ---- sugar for the ops models are written in ----
  add(a: Value, b: Value): Value { return this.op1('Add', [a, b]); }
  sub(a: Value, b: Value): Value { return this.op1('Sub', [a, b]); }
  mul(a: Value, b: Value): Value { return this.op1('Mul', [a, b]); }
  div(a: Value, b: Value): Value { return this.op1('Div', [a, b]); }
  pow(a: Value, b: Value): Value { return this.op1('Pow', [a, b]); }
  neg(x: Value): Value { return this.op1('Neg', [x]); }
  abs(x: Value): Value { return this.op1('Abs', [x]); }
  sqrt(x: Value): Value { return this.op1('Sqrt', [x]); }
  exp(x: Value): Value { return this.op1('Exp', [x]); }
  log(x: Value): Value { return this.op1('Log', [x]); }
  sin(x: Value): Value { return this.op1('Sin', [x]); }
  cos(x: Value): Value { return this.op1('Cos', [x]); }
  tanh(x: Value): Value { return this.op1('Tanh', [x]); }
  matmul(a: Value, b: Value): Value { return this.op1('MatMul', [a, b]); }

  private register(v: Value): Value {
    this.values.set(v.name, v);
    this.used.add(v.name);
    return v;
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new GraphError(name, 'value', `the name "${name}" is already used in graph "${this.name}"`);
    this.used.add(name);
    return name;
  }

  private fresh(base: string): string {
    let i = 0;
    while (this.used.has(`${base}_${i}`)) i++;
    const n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }
}
