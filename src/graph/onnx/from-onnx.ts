import '../ops/index.ts';
import { dtypeFromOnnxCode } from '../dtype.ts';
import { GraphError } from '../errors.ts';
import { inferNode } from '../infer-node.ts';
import { Graph, type AttrValue, type Node, type ValueInfo } from '../ir.ts';
import type { InferInput } from '../op-def.ts';
import { findOp, registeredOps } from '../op-registry.ts';
import { sameShape } from '../shape-utils.ts';
import { constantOf } from '../ops/constant.ts';
import type { Tensor } from '../tensor.ts';
import { checkOutputTypes, validateStructure } from '../validate.ts';
import { attrsFromProto } from './attributes.ts';
import { onnx } from './generated/onnx.js';
import { int64ToNumber } from './proto-ints.ts';
import { onnxNodeNames } from './node-names.ts';
import { fromTensorProto } from './tensor-proto.ts';
import { ONNX_OPSET } from './to-onnx.ts';

export interface FromOnnxOptions {
  /**
   * Graph inputs to bind as constants (they become initializers). This is how a model that takes a shape,
   * axes or pads as a runtime input (as the ONNX test models do) gets the static shapes tandem needs.
   */
  readonly constants?: Readonly<Record<string, Tensor>>;
}

/**
 * Reads a serialized ModelProto into a typed, validated Graph. Node attributes are read by the types the
 * op's definition declares; an op outside tandem's set, an unknown attribute, a dynamic shape or an opset
 * whose semantics differ from opset 17 is a GraphError naming the node (or value).
 */
export function fromOnnx(bytes: Uint8Array, opts: FromOnnxOptions = {}): Graph {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`the bytes are not an ONNX ModelProto (${(e as Error).message})`);
  }
  // Decoded messages carry every field (defaults live on the prototype), so the class types apply.
  const gp = model.graph as onnx.GraphProto | null;
  if (!gp) throw new Error('the ONNX model has no graph');
  const name = gp.name || 'model';
  const opset = defaultOpset(model, name);

  const initializers = new Map<string, Tensor>();
  for (const t of gp.initializer as onnx.TensorProto[]) initializers.set(t.name, readTensor(t, `initializer "${t.name}"`, t.name));
  for (const [k, t] of Object.entries(opts.constants ?? {})) {
    const declared = gp.input.find((v) => v.name === k);
    if (!declared) throw new GraphError(k, 'input', `cannot bind "${k}" as a constant: graph "${name}" has no such input`);
    const want = readValueInfo(declared, 'input');
    if (want.dtype !== t.dtype || !sameShape(want.shape, t.shape)) {
      throw new GraphError(k, 'input', `constant for input "${k}" is ${t.dtype}[${t.shape.join(', ')}], but the input is ${want.dtype}[${want.shape.join(', ')}]`);
    }
    initializers.set(k, t);
  }
  // Before IR 4, initializers were also listed as inputs; such an input is a constant, not something fed.
  const inputs = gp.input.filter((v) => !initializers.has(v.name ?? '')).map((v) => readValueInfo(v, 'input'));

  const names = onnxNodeNames(gp.node as onnx.NodeProto[]);
  const nodes = (gp.node as onnx.NodeProto[]).map((np, i): Node => {
    const op = np.opType;
    const nodeName = names[i];
    if (np.domain && np.domain !== 'ai.onnx') throw new GraphError(nodeName, op, `domain "${np.domain}" is not supported; tandem reads the default ONNX domain only`);
    const def = findOp(op);
    if (!def) throw new GraphError(nodeName, op, `op "${op}" is not in tandem's op set; supported: ${registeredOps().join(', ')}`);
    const since = def.since ?? ONNX_OPSET;
    if (opset < since) {
      throw new GraphError(nodeName, op, `the model imports opset ${opset}, but tandem reads ${op} as defined from opset ${since} to ${ONNX_OPSET}; re-export the model with opset ≥ ${since}`);
    }
    const attrs: Record<string, AttrValue> = attrsFromProto(nodeName, def, np.attribute);
    return { name: nodeName, op, inputs: [...np.input], outputs: [...np.output], attrs };
  });
  const outputNames = gp.output.map((o) => o.name ?? '');
  validateStructure({ name, inputs, initializers: initializers.keys(), nodes, outputs: outputNames.map((n) => ({ name: n })) });

  const values = new Map<string, ValueInfo>();
  const consts = new Map(initializers);
  for (const v of inputs) values.set(v.name, v);
  for (const [k, t] of initializers) values.set(k, { name: k, dtype: t.dtype, shape: t.shape });
  const info = (v: string): InferInput => {
    const c = consts.get(v);
    return c ? { ...values.get(v)!, constValue: c } : values.get(v)!;
  };
  for (const n of nodes) {
    const inferred = inferNode(n.name, n.op, n.inputs.map((v) => (v ? info(v) : undefined)), n.attrs, n.outputs.length);
    n.outputs.forEach((o, k) => {
      if (!o) return;
      if (!inferred[k]) throw new GraphError(n.name, n.op, `has ${n.outputs.length} outputs, but ${n.op} produces ${inferred.length}`);
      values.set(o, { name: o, ...inferred[k] });
    });
    if (n.op === 'Constant') consts.set(n.outputs[0], constantOf(n.attrs));
  }
  // Outputs declared without a type take the inferred one; declared types must agree with inference.
  const outputs = gp.output.map((o, k) => (o.type?.tensorType ? readValueInfo(o, 'output') : values.get(outputNames[k])!));
  checkOutputTypes(outputs, values, name);
  return new Graph(name, inputs, outputs, initializers, nodes, values);
}

function defaultOpset(model: onnx.ModelProto, graphName: string): number {
  const imp = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const v = imp ? int64ToNumber(imp.version ?? 1) : 1;
  if (v > ONNX_OPSET) throw new Error(`model "${graphName}" imports ONNX opset ${v}; tandem reads opset ≤ ${ONNX_OPSET} (it emits ${ONNX_OPSET})`);
  return v;
}

function readTensor(p: onnx.ITensorProto, where: string, valueName: string): Tensor {
  try {
    return fromTensorProto(p, where);
  } catch (e) {
    throw new GraphError(valueName, 'initializer', (e as Error).message);
  }
}

/** A graph input's or output's static type; tandem compiles one graph per shape, so symbolic dims are refused. */
function readValueInfo(v: onnx.IValueInfoProto, kind: 'input' | 'output'): ValueInfo {
  const name = v.name ?? '';
  const fail = (detail: string): never => {
    throw new GraphError(name, kind, `graph ${kind} "${name}": ${detail}`);
  };
  const tt = v.type?.tensorType;
  if (!tt) return fail('is not a tensor (sequences, maps and optionals are not supported)');
  const dtype = dtypeFromOnnxCode(tt.elemType ?? 0);
  if (!dtype) fail(`element type ${onnx.TensorProto.DataType[tt.elemType ?? 0]} is not supported; tandem carries float32, float64, int32, int64, bool, uint8`);
  if (!tt.shape) fail('has no shape; tandem needs static shapes');
  const shape = tt.shape!.dim!.map((d, i) => {
    if (d.dimValue === undefined || d.dimValue === null || d.dimParam) return fail(`axis ${i} is symbolic ("${d.dimParam ?? '?'}"); tandem needs static shapes`);
    return int64ToNumber(d.dimValue);
  });
  return { name, dtype: dtype!, shape };
}
