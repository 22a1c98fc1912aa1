import { Value, type GraphBuilder } from '../../../graph/builder.ts';
import { dtypeFromOnnxCode, isFloat, type DType } from '../../../graph/dtype.ts';
import { GraphError } from '../../../graph/errors.ts';
import type { AttrValue } from '../../../graph/ir.ts';
import { onnxNodeNames } from '../../../graph/onnx/node-names.ts';
import { attrsFromProto } from '../../../graph/onnx/attributes.ts';
import { onnx } from '../../../graph/onnx/generated/onnx.js';
import { fromTensorProto } from '../../../graph/onnx/tensor-proto.ts';
import { ONNX_OPSET } from '../../../graph/onnx/to-onnx.ts';
import { resolveAttrs } from '../../../graph/infer-node.ts';
import type { OpDef } from '../../../graph/op-def.ts';
import { findOp } from '../../../graph/op-registry.ts';
import { constantOf } from '../../../graph/ops/constant.ts';
import { sliceAxes } from '../../../graph/ops/indexing.ts';
import { tensor, toNumbers, type Tensor } from '../../../graph/tensor.ts';
import { validateStructure } from '../../../graph/validate.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import { FOLDABLE_OPS, foldNode } from './fold-constants.ts';
import type { ImportContext, ImportNode, ImportOp } from './import-op.ts';
import { importOps } from './import-ops.ts';
import { NEWEST_OPSET } from './prepare-onnx.ts';

export interface ImportOptions {
  /** The file, for messages. */
  readonly file: string;
  /** Opset the (prepared) model imports. */
  readonly opset: number;
  /** Float initializers that become trainable parameters; every other initializer is a constant or a buffer. */
  isTrainable(name: string): boolean;
  /**
   * Float initializers that become buffers: the running statistics of a training-mode BatchNormalization, which
   * the step moves to the node's running_mean / running_var outputs.
   */
  isBuffer(name: string): boolean;
  /**
   * Parameters declared by an earlier import of the same file (fixed-batch chunks share their weights); the
   * parameters this import declares are added.
   */
  readonly declared: Map<string, Value>;
  /** Prefix of node and constant names, so the same file can be imported twice into one graph; default none. */
  readonly prefix?: string;
}

/**
 * Reads a prepared ModelProto (prepare-onnx.ts) node by node into the graph under construction. Graph inputs
 * are the bound data values; trainable initializers become parameters starting from the exported values.
 * Every node whose inputs are all constants and whose op is shape arithmetic folds to a constant, so the
 * `x.size(0)` chains of an export never reach a backend; import-time ops (import-ops.ts) fold or rewrite
 * themselves; the rest are emitted as they are, after their shape inputs are checked to be constants.
 * Returns the graph outputs by ONNX name.
 */
export function importGraph(g: GraphBuilder, gp: onnx.GraphProto, bound: ReadonlyMap<string, Value>, params: ParameterSet, opts: ImportOptions): Map<string, Value> {
  const values = new Map(bound);
  const consts = new Map<string, Tensor>();
  const producers = new Map<string, ImportNode>();

  const declareOnce = (name: string, declare: () => Value) => opts.declared.get(name) ?? opts.declared.set(name, declare()).get(name)!;
  for (const t of gp.initializer as onnx.TensorProto[]) {
    const value = readTensor(t);
    if (isFloat(value.dtype) && opts.isBuffer(t.name)) values.set(t.name, declareOnce(t.name, () => params.declareBuffer(t.name, value)));
    else if (!isFloat(value.dtype) || !opts.isTrainable(t.name)) consts.set(t.name, value);
    else values.set(t.name, declareOnce(t.name, () => params.declareValues(t.name, value)));
  }
  const nodes = readNodes(gp, opts);
  const inputs = (gp.input as onnx.ValueInfoProto[]).filter((v) => bound.has(v.name));
  validateStructure({ name: opts.file, inputs, initializers: gp.initializer.map((t) => t.name ?? ''), nodes, outputs: gp.output as onnx.ValueInfoProto[] });

  const ctx: ImportContext = {
    g,
    dtype: params.dtype,
    constant: (name) => consts.get(name),
    value(name) {
      const v = values.get(name);
      if (v) return v;
      // A constant the first emitted node needs becomes an initializer; shape arithmetic that only fed other
      // folded nodes never does. Float constants follow the program's dtype (float64 for parity debugging).
      const c = g.constant(asDtype(consts.get(name)!, params.dtype), `${opts.prefix ?? ''}${name}`);
      values.set(name, c);
      return c;
    },
    type: (name) => values.get(name) ?? consts.get(name)!,
    dropoutMask: (node, shape, ratio) => params.dropoutMask(`${node.name}/mask`, shape, ratio),
    refuseComputed(node, k, what) {
      const from = producers.get(node.inputs[k]);
      throw new GraphError(
        node.name,
        node.op,
        `its ${what} (input ${k}, "${node.inputs[k]}") is computed from tensor values${from ? ` by node "${from.name}" (${from.op})` : ''}, not only from shapes. ` +
          `tandem compiles every tensor to a static shape, so the model cannot be imported; compute it from sizes (x.size(k), x.shape) or constants, and export again`,
      );
    },
  };

  for (const node of nodes) {
    const results = importNode(ctx, node);
    // Chunks of a fixed-batch import share their buffers; the first chunk's statistics update them.
    if (node.op === 'BatchNormalization' && !opts.prefix) {
      for (const k of [3, 4]) if (opts.isBuffer(node.inputs[k]) && results[k - 2] instanceof Value) params.updateBuffer(node.inputs[k], results[k - 2] as Value);
    }
    node.outputs.forEach((o, k) => {
      if (!o || !results[k]) return;
      const r = results[k];
      producers.set(o, node);
      if (r instanceof Value) values.set(o, r);
      else consts.set(o, r);
    });
  }
  return new Map((gp.output as onnx.ValueInfoProto[]).map((o) => [o.name, ctx.value(o.name)]));
}

function importNode(ctx: ImportContext, node: ImportNode): (Value | Tensor)[] {
  const special = importOps[node.op];
  if (special) return special.import(ctx, node);
  if (node.op === 'Constant') return [constantOf(node.attrs)];
  const def = findOp(node.op)!;
  for (const k of def.constInputs ?? []) {
    if (node.inputs[k] && !ctx.constant(node.inputs[k])) ctx.refuseComputed(node, k, `${node.op} shape input`);
  }
  const constInputs = node.inputs.map((v) => (v ? ctx.constant(v) : undefined));
  if (FOLDABLE_OPS.has(node.op) && node.inputs.every((v, k) => !v || constInputs[k])) return [foldNode(node.name, node.op, constInputs, node.attrs)];
  const inputs = node.op === 'Slice' ? clampSliceBounds(ctx, node) : node.inputs.map((v) => (v ? ctx.value(v) : null));
  const attrs = Object.fromEntries(Object.entries(node.attrs).map(([k, a]) => [k, isTensor(a) ? asDtype(a, ctx.dtype) : a]));
  return ctx.g.op(node.op, inputs, attrs, { name: node.name, outputs: node.outputs.length });
}

/**
 * Slice bounds clamped to the static shape: torch writes INT64_MAX for "to the end" (and INT64_MIN for "to the
 * start" with a negative step), which int32 backends (tfjs) cannot hold. The clamped bounds select the same
 * elements; a negative step that runs to the start ends at -(dim + 1), which ONNX clamps back to "before 0".
 */
function clampSliceBounds(ctx: ImportContext, node: ImportNode): (Value | null)[] {
  const [x, ...bounds] = node.inputs;
  const ints = bounds.map((v) => (v ? toNumbers(ctx.constant(v)!) : undefined));
  const axes = sliceAxes(ctx.type(x).shape, ints[0]!, ints[1]!, ints[2], ints[3]);
  const starts = axes.map((a) => a.start);
  const ends = axes.map((a) => {
    const end = a.start + a.length * a.step;
    return end < 0 ? -(ctx.type(x).shape[a.axis] + 1) : end;
  });
  const name = (what: string) => `${node.name}/${what}`;
  const constant = (what: string, v: number[]) => ctx.g.constant(tensor('int64', [v.length], v), name(what));
  return [ctx.value(x), constant('starts', starts), constant('ends', ends), constant('axes', axes.map((a) => a.axis)), constant('steps', axes.map((a) => a.step))];
}

function readNodes(gp: onnx.GraphProto, opts: ImportOptions): ImportNode[] {
  const names = onnxNodeNames(gp.node as onnx.NodeProto[]);
  return (gp.node as onnx.NodeProto[]).map((np, i): ImportNode => {
    const op = np.opType;
    const name = `${opts.prefix ?? ''}${names[i]}`;
    const special: ImportOp | undefined = importOps[op];
    const def = special ? ({ op, attrs: special.attrs } as Pick<OpDef, 'op' | 'attrs'>) : findOp(op);
    // prepare-onnx.ts refused every op outside both sets, so def is defined here.
    const since = special ? 0 : (findOp(op)!.since ?? ONNX_OPSET);
    if (opts.opset < since) {
      throw new GraphError(name, op, `the model imports opset ${opts.opset}, but tandem reads ${op} as defined from opset ${since} to ${NEWEST_OPSET}; export again with opset_version ≥ ${since}`);
    }
    const read: Record<string, AttrValue> = attrsFromProto(name, def as OpDef, np.attribute);
    // Import-time ops read their attributes here, with defaults filled in; tandem's ops get them at inference.
    const attrs = special ? resolveAttrs(def as OpDef, read, (d) => { throw new GraphError(name, op, d); }) : read;
    return { name, op, inputs: [...np.input], outputs: [...np.output], attrs };
  });
}

function readTensor(t: onnx.TensorProto): Tensor {
  try {
    return fromTensorProto(t, `initializer "${t.name}"`);
  } catch (e) {
    throw new GraphError(t.name, 'initializer', (e as Error).message);
  }
}

/** A graph input's element type as declared by the file. */
export function declaredDtype(v: onnx.IValueInfoProto): DType | undefined {
  return dtypeFromOnnxCode(v.type?.tensorType?.elemType ?? 0);
}

function isTensor(a: AttrValue): a is Tensor {
  return typeof a === 'object' && a !== null && 'dtype' in a && 'data' in a;
}

/** Float constants follow the program's float dtype (a float32 export trains in float64 for parity debugging). */
export function asDtype(t: Tensor, dtype: DType): Tensor {
  if (!isFloat(t.dtype) || !isFloat(dtype) || t.dtype === dtype) return t;
  return tensor(dtype, t.shape, t.data as ArrayLike<number>);
}
