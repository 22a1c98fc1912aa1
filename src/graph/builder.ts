import './ops/index.ts';
import { ONNX_DTYPE_CODE, type DType } from './dtype.ts';
import { GraphError } from './errors.ts';
import { Graph, type AttrValue, type Node, type ValueInfo } from './ir.ts';
import { inferNode } from './infer-node.ts';
import { circularPad, gelu, groupNorm } from './lowerings.ts';
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

export interface GemmAttrs { alpha?: number; beta?: number; transA?: number; transB?: number }
export interface ConvAttrs { strides?: number[]; pads?: number[]; dilations?: number[]; group?: number; auto_pad?: string; kernel_shape?: number[] }
export interface ConvTransposeAttrs extends ConvAttrs { output_padding?: number[]; output_shape?: number[] }
export interface PoolAttrs { kernel_shape: number[]; strides?: number[]; pads?: number[]; ceil_mode?: number; auto_pad?: string }
export interface ResizeAttrs { mode?: 'nearest' | 'linear'; coordinate_transformation_mode?: string; nearest_mode?: string }

export interface OpOptions {
  /** Node name; a unique one is made from the op type otherwise. */
  readonly name?: string;
  /** How many of the op's outputs to make (MaxPool's Indices, LayerNormalization's statistics are optional); default all. */
  readonly outputs?: number;
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
    const inferred = inferNode(nodeName, op, inputs.map((v) => v ?? undefined), attrs, opts.outputs);
    // The node's first output shares the node's name, which keeps graphs readable in Netron and in errors.
    const outs = inferred.slice(0, opts.outputs ?? inferred.length).map((o, i) => this.register(new Value(i === 0 ? nodeName : this.fresh(`${nodeName}_${i}`), o.dtype, o.shape)));
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
  relu(x: Value): Value { return this.op1('Relu', [x]); }
  sigmoid(x: Value): Value { return this.op1('Sigmoid', [x]); }
  leakyRelu(x: Value, alpha = 0.01): Value { return this.op1('LeakyRelu', [x], { alpha }); }
  erf(x: Value): Value { return this.op1('Erf', [x]); }
  softplus(x: Value): Value { return this.op1('Softplus', [x]); }
  /** Exact (erf) GELU, lowered to Erf·Mul·Add because Gelu itself is opset 20. */
  gelu(x: Value): Value { return gelu(this, x); }
  /** Mish, x·tanh(softplus(x)) (opset 18). */
  mish(x: Value): Value { return this.op1('Mish', [x]); }
  /** Clip to [min, max] (either may be omitted), the bounds as scalar constants of x's dtype. */
  clip(x: Value, min?: number, max?: number): Value {
    const bound = (v: number | undefined) => (v === undefined ? null : this.scalar(v, x.dtype));
    return this.op1('Clip', max === undefined ? (min === undefined ? [x] : [x, bound(min)]) : [x, bound(min), bound(max)]);
  }
  where(cond: Value, x: Value, y: Value): Value { return this.op1('Where', [cond, x, y]); }
  max(...xs: Value[]): Value { return this.op1('Max', xs); }
  min(...xs: Value[]): Value { return this.op1('Min', xs); }
  greater(a: Value, b: Value): Value { return this.op1('Greater', [a, b]); }
  less(a: Value, b: Value): Value { return this.op1('Less', [a, b]); }
  equal(a: Value, b: Value): Value { return this.op1('Equal', [a, b]); }
  gemm(a: Value, b: Value, c: Value | null = null, attrs: GemmAttrs = {}): Value { return this.op1('Gemm', c ? [a, b, c] : [a, b], { ...attrs }); }
  conv(x: Value, w: Value, b: Value | null = null, attrs: ConvAttrs = {}): Value { return this.op1('Conv', b ? [x, w, b] : [x, w], { ...attrs }); }
  convTranspose(x: Value, w: Value, b: Value | null = null, attrs: ConvTransposeAttrs = {}): Value { return this.op1('ConvTranspose', b ? [x, w, b] : [x, w], { ...attrs }); }
  averagePool(x: Value, attrs: PoolAttrs & { count_include_pad?: number }): Value { return this.op1('AveragePool', [x], { ...attrs }); }
  maxPool(x: Value, attrs: PoolAttrs & { dilations?: number[] }): Value { return this.op1('MaxPool', [x], { ...attrs }, { outputs: 1 }); }
  /** Resize to explicit `sizes` or by `scales` (exactly one). */
  resize(x: Value, to: { sizes: number[] } | { scales: number[] }, attrs: ResizeAttrs = {}): Value {
    const target = 'sizes' in to ? [null, null, this.ints(to.sizes)] : [null, this.constant(tensor('float32', [to.scales.length], to.scales))];
    return this.op1('Resize', [x, ...target], { ...attrs });
  }
  reshape(x: Value, shape: readonly number[]): Value { return this.op1('Reshape', [x, this.ints(shape)]); }
  transpose(x: Value, perm?: readonly number[]): Value { return this.op1('Transpose', [x], perm ? { perm } : {}); }
  concat(xs: readonly Value[], axis: number): Value { return this.op1('Concat', xs, { axis }); }
  slice(x: Value, starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): Value {
    const opt = [axes ? this.ints(axes) : null, steps ? this.ints(steps) : null];
    return this.op1('Slice', [x, this.ints(starts), this.ints(ends), ...(steps ? opt : axes ? opt.slice(0, 1) : [])]);
  }
  /** Pad with ONNX pads [begins…, ends…]; 'circular' (opset 19) is lowered to Slice + Concat. */
  pad(x: Value, pads: readonly number[], mode: 'constant' | 'reflect' | 'edge' | 'circular' = 'constant', value?: number): Value {
    if (mode === 'circular') return circularPad(this, x, pads);
    const inputs = [x, this.ints(pads), ...(value !== undefined ? [this.scalar(value, x.dtype)] : [])];
    return this.op1('Pad', inputs, { mode });
  }
  gather(x: Value, indices: Value, axis = 0): Value { return this.op1('Gather', [x, indices], { axis }); }
  expand(x: Value, shape: readonly number[]): Value { return this.op1('Expand', [x, this.ints(shape)]); }
  squeeze(x: Value, axes?: readonly number[]): Value { return this.op1('Squeeze', axes ? [x, this.ints(axes)] : [x]); }
  unsqueeze(x: Value, axes: readonly number[]): Value { return this.op1('Unsqueeze', [x, this.ints(axes)]); }
  reduceSum(x: Value, axes?: readonly number[], keepdims = true): Value { return this.op1('ReduceSum', axes ? [x, this.ints(axes)] : [x], { keepdims: +keepdims }); }
  reduceMean(x: Value, axes?: readonly number[], keepdims = true): Value { return this.op1('ReduceMean', [x], { ...(axes ? { axes } : {}), keepdims: +keepdims }); }
  reduceMax(x: Value, axes?: readonly number[], keepdims = true): Value { return this.op1('ReduceMax', [x], { ...(axes ? { axes } : {}), keepdims: +keepdims }); }
  softmax(x: Value, axis = -1): Value { return this.op1('Softmax', [x], { axis }); }
  /** LayerNormalization's Y only (the Mean/InvStdDev outputs are available through `op`). */
  layerNorm(x: Value, scale: Value, bias: Value | null = null, attrs: { axis?: number; epsilon?: number } = {}): Value {
    return this.op('LayerNormalization', bias ? [x, scale, bias] : [x, scale], { ...attrs }, { outputs: 1 })[0];
  }
  /** torch's nn.GroupNorm (per-channel scale and bias): GroupNormalization, then the per-channel affine. */
  groupNorm(x: Value, scale: Value, bias: Value, groups: number, epsilon?: number): Value { return groupNorm(this, x, scale, bias, groups, epsilon); }
  cast(x: Value, to: DType): Value { return this.op1('Cast', [x], { to: ONNX_DTYPE_CODE[to] }); }
  identity(x: Value): Value { return this.op1('Identity', [x]); }
  /** ONNX DFT over `axis` of a [..., 1|2] real/complex-pair tensor; `length` becomes the dft_length input. */
  dft(x: Value, attrs: { axis?: number; inverse?: boolean; onesided?: boolean; length?: number } = {}): Value {
    const { length, inverse, onesided, axis } = attrs;
    const inputs = length !== undefined ? [x, this.constant(tensor('int64', [], [length]))] : [x];
    return this.op1('DFT', inputs, { axis: axis ?? 1, inverse: +!!inverse, onesided: +!!onesided });
  }

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
