import { GraphError } from './errors.ts';
import { Graph, type Node } from './ir.ts';

/**
 * The graph as torch's `model.eval()` computes it: every training-mode BatchNormalization normalizes with the
 * running statistics it is fed instead of the batch's, and loses its running-statistics outputs. Evaluation,
 * `forward` and inference use this form; gradients and steps use the training form. A graph without
 * training-mode ops is returned as it is. Nothing kept may read a dropped output (cut the graph to the outputs
 * evaluation needs first).
 */
export function inferenceMode(graph: Graph): Graph {
  const training = (n: Node) => n.op === 'BatchNormalization' && n.attrs.training_mode === 1;
  if (!graph.nodes.some(training)) return graph;
  const dropped = new Set(graph.nodes.filter(training).flatMap((n) => n.outputs.slice(1)));
  const nodes = graph.nodes.map((n): Node => {
    const reads = n.inputs.find((i) => dropped.has(i));
    if (reads) throw new GraphError(n.name, n.op, `reads "${reads}", a running statistic that only a training step computes; graph "${graph.name}" cannot run in inference mode`);
    return training(n) ? { ...n, outputs: [n.outputs[0]], attrs: { ...n.attrs, training_mode: 0 } } : n;
  });
  const outputs = graph.outputs.filter((o) => dropped.has(o.name));
  if (outputs.length) throw new GraphError(outputs[0].name, 'output', `graph "${graph.name}" outputs a running statistic, which inference mode does not compute`);
  const values = new Map([...graph.values].filter(([k]) => !dropped.has(k)));
  return new Graph(graph.name, graph.inputs, graph.outputs, graph.initializers, nodes, values);
}
