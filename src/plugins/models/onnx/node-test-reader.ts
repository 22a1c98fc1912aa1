import { GraphBuilder, type Value } from '../../../graph/builder.ts';
import type { Graph } from '../../../graph/ir.ts';
import { onnx } from '../../../graph/onnx/generated/onnx.js';
import { toTensorProto } from '../../../graph/onnx/tensor-proto.ts';
import { registeredOps } from '../../../graph/op-registry.ts';
import type { Tensor } from '../../../graph/tensor.ts';
import { ParameterSet } from '../../../contracts/parameters.ts';
import { evaluationMask } from '../../../contracts/dropout-masks.ts';
import { importOps } from './import-ops.ts';
import { OnnxModel, onnxModelParams } from './onnx-model.ts';

/**
 * The ops tandem reads from ONNX files without carrying them in its op set: Flatten (lowered to Reshape), the
 * shape sources (folded), LSTM, GRU and RNN (unrolled) and Dropout (a product with a fed mask). Their official
 * node tests cannot go through tandem's IR reader, which knows the op set only.
 */
export const IMPORT_TIME_OPS: ReadonlySet<string> = new Set(['Flatten', ...Object.keys(importOps)].filter((op) => !registeredOps().includes(op)));

/**
 * One node test of an import-time op, read as a user's export is: by the `onnx` model's importer (prepare-onnx,
 * import-graph), into the graph a backend runs. Inputs the import reads as constants (ImportOp.constInputs: a
 * Dropout's ratio and training_mode, ConstantOfShape's shape) become initializers with the test's values, as
 * tandem's IR reader binds OpDef.constInputs; every other input is a graph input of the fed shape, and the
 * file's initializers are constants (nothing trains). A training-mode Dropout's mask is fed ones: its mask comes
 * from tandem's seeded RNG, never from the node's own draw. A refusal throws the importer's message, with exit
 * code 2 (bad input).
 */
export function readNodeTest(file: string, bytes: Uint8Array, feeds: Readonly<Record<string, Tensor>>): { graph: Graph; feeds: Record<string, Tensor> } {
  const model = onnx.ModelProto.decode(bytes);
  const graphProto = model.graph as onnx.GraphProto;
  const constant = new Set(
    graphProto.node.flatMap((n) => (importOps[n.opType ?? '']?.constInputs ?? []).map((k) => n.input?.[k] ?? '')).filter((name) => name && name in feeds),
  );
  for (const name of constant) graphProto.initializer.push(toTensorProto(feeds[name], name));
  const inputs = graphProto.input.filter((v) => !constant.has(v.name ?? ''));
  graphProto.input.splice(0, graphProto.input.length, ...inputs);
  // No initializer trains here (parameters: none): the file's weights are constants, as the test means them.
  const onnxModel = new OnnxModel(onnxModelParams.parse({ path: file }), { bytes: onnx.ModelProto.encode(model).finish(), file, parameters: new Set() });
  const g = new GraphBuilder(file);
  const fed = Object.entries(feeds).filter(([name]) => !constant.has(name));
  const bound: Record<string, Value> = Object.fromEntries(fed.map(([name, t]) => [name, g.input(name, t.dtype, t.shape)]));
  const params = new ParameterSet(g, 0, 'float32');
  for (const [name, v] of Object.entries(onnxModel.forward(g, bound, params))) g.output(v, name);
  const graph = g.build();
  const masks = params.dropoutMasks().map((m): [string, Tensor] => [m.name, evaluationMask(graph.value(m.name))]);
  return { graph, feeds: { ...Object.fromEntries(fed), ...Object.fromEntries(masks) } };
}
