import { Graph, type ValueInfo } from '../graph/ir.ts';
import { liveNodes } from '../graph/live-nodes.ts';
import type { Tensor } from '../graph/tensor.ts';

/**
 * The sub-graph that computes exactly `outputs` (in that order) of `graph`: nodes, constants and inputs nothing
 * needs are dropped. The four program graphs are cut from one big graph this way, so e.g. the forward graph
 * neither asks for targets nor spends time on residual derivatives. Inputs keep the source graph's order.
 */
export function selectOutputs(graph: Graph, outputs: readonly string[], name: string): Graph {
  const needed = new Set(outputs);
  const nodes = liveNodes(graph.nodes, needed, new Set());
  const initializers = new Map<string, Tensor>();
  for (const [k, t] of graph.initializers) if (needed.has(k)) initializers.set(k, t);
  const inputs = graph.inputs.filter((i) => needed.has(i.name));
  const values = new Map<string, ValueInfo>();
  for (const [k, v] of graph.values) if (needed.has(k)) values.set(k, v);
  const outs = outputs.map((o) => graph.value(o));
  return new Graph(name, inputs, outs, initializers, nodes, values);
}
