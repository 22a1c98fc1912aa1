import { Graph, type ValueInfo } from '../graph/ir.ts';
import type { Tensor } from '../graph/tensor.ts';

/**
 * Drops nodes appended to `forward` (the backward part) whose outputs no graph output needs, and
 * the constants only they used. Rules may emit gradients for every input; the walker keeps only those that
 * lead to a requested gradient, so unneeded work (and e.g. log of a negative base) never reaches an executor.
 */
export function pruneBackwardNodes(graph: Graph, forward: Graph): Graph {
  const keepBefore = forward.nodes.length;
  const needed = new Set(graph.outputs.map((o) => o.name));
  const keep: boolean[] = new Array(graph.nodes.length).fill(false);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (i < keepBefore || n.outputs.some((o) => needed.has(o))) {
      keep[i] = true;
      for (const x of n.inputs) if (x) needed.add(x);
    }
  }
  const nodes = graph.nodes.filter((_, i) => keep[i]);
  const produced = new Set(nodes.flatMap((n) => n.outputs));
  const initializers = new Map<string, Tensor>();
  for (const [k, t] of graph.initializers) if (needed.has(k) || forward.initializers.has(k)) initializers.set(k, t);
  const inputs = new Set(graph.inputs.map((i) => i.name));
  const values = new Map<string, ValueInfo>();
  for (const [k, v] of graph.values) if (produced.has(k) || inputs.has(k) || initializers.has(k)) values.set(k, v);
  return new Graph(graph.name, graph.inputs, graph.outputs, initializers, nodes, values);
}
