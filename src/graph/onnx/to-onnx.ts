import { ONNX_DTYPE_CODE } from '../dtype.ts';
import { GraphError } from '../errors.ts';
import type { Graph, ValueInfo } from '../ir.ts';
import { findOp } from '../op-registry.ts';
import { attrsToProto } from './attributes.ts';
import { onnx } from './generated/onnx.js';
import { clippedCeilPool } from './ceil-mode-pools.ts';
import { OPSET17_EXPANSIONS } from './opset17-expansions.ts';
import { toTensorProto } from './tensor-proto.ts';

/** What tandem emits: IR 8 with the default-domain opset 17 (loads in ORT 1.30 and onnxruntime-web 1.19). */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

export function valueInfoProto(v: ValueInfo): onnx.IValueInfoProto {
  return {
    name: v.name,
    type: { tensorType: { elemType: ONNX_DTYPE_CODE[v.dtype], shape: { dim: v.shape.map((d) => ({ dimValue: d })) } } },
  };
}

/**
 * The graph as a serialized ModelProto. Intermediate value types go to value_info, so ORT checks our inference on
 * load. Ops newer than ONNX_OPSET are written as their opset-17 function bodies (opset17-expansions.ts), and a
 * ceil_mode pool that opset 17's shape inference sizes wrongly is followed by a Slice to its true shape (ceil-mode-pools.ts).
 */
export function toOnnx(graph: Graph): Uint8Array {
  const boundary = new Set([...graph.inputs, ...graph.outputs].map((v) => v.name));
  const expanded: onnx.ITensorProto[] = [];
  const nodes = graph.nodes.flatMap((n): onnx.INodeProto[] => {
    const def = findOp(n.op);
    if (!def) throw new GraphError(n.name, n.op, `op "${n.op}" is not in tandem's op set and cannot be written to ONNX`);
    if ((def.since ?? 0) > ONNX_OPSET) {
      const expand = OPSET17_EXPANSIONS[n.op];
      if (!expand) throw new GraphError(n.name, n.op, `${n.op} is an opset-${def.since} op with no opset-${ONNX_OPSET} spelling, so it cannot be written to ONNX`);
      const { nodes: spelled, initializers } = expand(n, graph);
      expanded.push(...initializers);
      return spelled;
    }
    const attribute = attrsToProto(n, def);
    const clipped = clippedCeilPool(n, graph, attribute);
    if (clipped) {
      expanded.push(...clipped.initializers);
      return clipped.nodes;
    }
    return [{ name: n.name, opType: n.op, domain: '', input: [...n.inputs], output: [...n.outputs], attribute }];
  });
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'tandem',
    graph: {
      name: graph.name,
      node: nodes,
      initializer: [...[...graph.initializers].map(([name, t]) => toTensorProto(t, name)), ...expanded],
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map(valueInfoProto),
      valueInfo: [...graph.values.values()].filter((v) => !boundary.has(v.name) && !graph.initializers.has(v.name)).map(valueInfoProto),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
