import type { Graph, Node } from '../ir.ts';
import { tensor } from '../tensor.ts';
import { onnx } from './generated/onnx.js';
import { toTensorProto } from './tensor-proto.ts';

/** An op's nodes and constants in the opset tandem writes. */
export interface Expansion {
  readonly nodes: onnx.INodeProto[];
  readonly initializers: onnx.ITensorProto[];
}

/**
 * Ops of tandem's set that ONNX added after the opset tandem writes (17), spelled as their ONNX function bodies
 * in opset-17 ops when a graph is serialized: onnxruntime runs them so, while the IR, the gradient rules, tfjs and
 * the torch reference keep the op itself. Intermediate values are named `<node>/<step>`; the node's own output
 * keeps its name, so a fetched value is the op's.
 */
export const OPSET17_EXPANSIONS: Readonly<Record<string, (node: Node, graph: Graph) => Expansion>> = {
  /** Mish (opset 18) = x·tanh(softplus(x)). */
  Mish(n) {
    const [x] = n.inputs;
    const step = (what: string) => `${n.name}/${what}`;
    return {
      nodes: [
        node(step('softplus'), 'Softplus', [x], [step('softplus')]),
        node(step('tanh'), 'Tanh', [step('softplus')], [step('tanh')]),
        node(n.name, 'Mul', [x, step('tanh')], [n.outputs[0]]),
      ],
      initializers: [],
    };
  },
  /**
   * GroupNormalization (opset 18, scale and bias per group) = InstanceNormalization of x seen as [N, G, rest]:
   * each (sample, group) is standardized over the rest and takes its group's scale and bias.
   */
  GroupNormalization(n, graph) {
    const [x, scale, bias] = n.inputs;
    const shape = graph.value(x).shape;
    const groups = n.attrs.num_groups as number;
    const step = (what: string) => `${n.name}/${what}`;
    const epsilon: onnx.IAttributeProto = { name: 'epsilon', type: onnx.AttributeProto.AttributeType.FLOAT, f: (n.attrs.epsilon as number | undefined) ?? 1e-5 };
    return {
      nodes: [
        node(step('group'), 'Reshape', [x, step('grouped_shape')], [step('grouped')]),
        { ...node(step('normalize'), 'InstanceNormalization', [step('grouped'), scale, bias], [step('normalized')]), attribute: [epsilon] },
        node(n.name, 'Reshape', [step('normalized'), step('shape')], [n.outputs[0]]),
      ],
      initializers: [
        toTensorProto(tensor('int64', [3], [shape[0], groups, -1]), step('grouped_shape')),
        toTensorProto(tensor('int64', [shape.length], shape), step('shape')),
      ],
    };
  },
};

function node(name: string, opType: string, input: string[], output: string[]): onnx.INodeProto {
  return { name, opType, domain: '', input, output, attribute: [] };
}
