import type { DType } from '../../../graph/dtype.ts';
import { GraphError } from '../../../graph/errors.ts';
import { resolveAttrs } from '../../../graph/infer-node.ts';
import { Graph, type Node, type ValueInfo } from '../../../graph/ir.ts';
import { findOp } from '../../../graph/op-registry.ts';
import { tensor, type Shape, type Tensor } from '../../../graph/tensor.ts';

const isTraining = (n: Node) => n.op === 'BatchNormalization' && n.attrs.training_mode === 1;

/**
 * The graph with every training-mode BatchNormalization written out in plain ops before it goes to onnxruntime.
 * ORT's own kernel follows the ONNX text and moves running_var towards the population (biased) batch variance;
 * tandem's op follows torch, whose running_var takes the unbiased one (graph/ops/normalization.ts). The node's
 * output names are kept, so fetches and parity's node names read the same. Other graphs pass through as they are.
 */
export function withTorchBatchNorm(graph: Graph): Graph {
  if (!graph.nodes.some(isTraining)) return graph;
  const nodes: Node[] = [];
  const values = new Map(graph.values);
  const initializers = new Map(graph.initializers);
  for (const node of graph.nodes) {
    if (isTraining(node)) nodes.push(...expand(node, graph.value(node.inputs[0]), values, initializers));
    else nodes.push(node);
  }
  return new Graph(graph.name, graph.inputs, graph.outputs, initializers, nodes, values);
}

function expand(node: Node, x: ValueInfo, values: Map<string, ValueInfo>, initializers: Map<string, Tensor>): Node[] {
  const [, scale, bias, runningMean, runningVar] = node.inputs;
  const [y, meanOut, varOut] = node.outputs;
  const { dtype, shape } = x;
  const channels = shape[1];
  const perChannel = shape.reduce((a, d) => a * d, 1) / channels;
  const attrs = resolveAttrs(findOp(node.op)!, node.attrs, (detail) => {
    throw new GraphError(node.name, node.op, detail);
  });
  const momentum = attrs.momentum as number;
  const epsilon = attrs.epsilon as number;
  const axes = shape.map((_, i) => i).filter((i) => i !== 1);
  const statShape = shape.map((d, i) => (i === 1 ? d : 1));
  const out: Node[] = [];
  let k = 0;
  const value = (valueShape: Shape, name = `${node.name}/torch_bn/${k++}`, valueDtype: DType = dtype): string => {
    values.set(name, { name, dtype: valueDtype, shape: valueShape });
    return name;
  };
  const constant = (t: Tensor): string => {
    const name = value(t.shape, undefined, t.dtype);
    initializers.set(name, t);
    return name;
  };
  const emit = (op: string, inputs: string[], resultShape: Shape, attrs: Node['attrs'] = {}, name?: string): string => {
    const output = name ?? value(resultShape);
    out.push({ name: `${node.name}/torch_bn/${op}${k++}`, op, inputs, outputs: [output], attrs, origin: node.name });
    return output;
  };
  const scalar = (v: number) => constant(tensor(dtype, [], [v]));
  const reshape = (v: string, to: number[]) => emit('Reshape', [v, constant(tensor('int64', [to.length], to))], to);

  const mean = emit('ReduceMean', [node.inputs[0]], statShape, { axes, keepdims: 1 });
  const centered = emit('Sub', [node.inputs[0], mean], shape);
  const variance = emit('ReduceMean', [emit('Mul', [centered, centered], shape)], statShape, { axes, keepdims: 1 });
  const xhat = emit('Div', [centered, emit('Sqrt', [emit('Add', [variance, scalar(epsilon)], statShape)], statShape)], shape);
  emit('Add', [emit('Mul', [xhat, reshape(scale, statShape)], shape), reshape(bias, statShape)], shape, {}, y);
  // running = momentum·old + (1 − momentum)·batch, the variance made unbiased by n/(n − 1) as torch does.
  const running = (old: string, batch: string, factor: number, name: string) =>
    emit('Add', [emit('Mul', [old, scalar(momentum)], [channels]), emit('Mul', [reshape(batch, [channels]), scalar((1 - momentum) * factor)], [channels])], [channels], {}, name);
  if (meanOut) running(runningMean, mean, 1, meanOut);
  if (varOut) running(runningVar, variance, perChannel / (perChannel - 1), varOut);
  return out;
}
