import { Graph, type Node } from '../graph/ir.ts';
import type { Tensor } from '../graph/tensor.ts';

/**
 * Common-subexpression elimination for the backward part: a backward node with the same op, inputs and
 * attributes as an earlier node is dropped and its outputs read from the earlier one; equal constants made
 * by rules (the many scalar 1s and axes lists) are merged the same way. Repeated passes (a Laplacian, then a
 * parameter gradient) re-derive the same transposes and activation derivatives many times; every executor,
 * not only ORT with its own CSE, then runs each once. Forward nodes and nodes naming graph outputs stay.
 */
export function dedupeBackwardNodes(graph: Graph, forward: Graph): Graph {
  const rename = new Map<string, string>();
  const initializers = new Map<string, Tensor>();
  const byContent = new Map<string, string>();
  const contentKey = (t: Tensor): string => `${t.dtype}|${t.shape.join(',')}|${Array.from(t.data as ArrayLike<number | bigint>, String).join(',')}`;
  // Forward constants come first in the map, so a new constant equal to one of them is read from it.
  for (const [name, t] of graph.initializers) {
    if (!forward.initializers.has(name)) continue;
    initializers.set(name, t);
    if (t.data.length <= 64 && !byContent.has(contentKey(t))) byContent.set(contentKey(t), name);
  }
  for (const [name, t] of graph.initializers) {
    if (forward.initializers.has(name)) continue;
    const key = t.data.length <= 64 ? contentKey(t) : undefined;
    const same = key && byContent.get(key);
    if (same) rename.set(name, same);
    else {
      if (key) byContent.set(key, name);
      initializers.set(name, t);
    }
  }
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const seen = new Map<string, Node>();
  const nodes: Node[] = [];
  graph.nodes.forEach((n, i) => {
    const inputs = n.inputs.map((x) => rename.get(x) ?? x);
    const node = inputs.some((x, j) => x !== n.inputs[j]) ? { ...n, inputs } : n;
    // A Constant's int64 value tensor holds BigInts, which JSON.stringify refuses: write them as strings.
    const key = JSON.stringify([n.op, inputs, Object.entries(n.attrs).sort(([a], [b]) => a.localeCompare(b))], (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    const earlier = n.op === 'Constant' ? undefined : seen.get(key);
    if (earlier && i >= forward.nodes.length && !n.outputs.some((o) => outputs.has(o))) {
      n.outputs.forEach((o, j) => rename.set(o, earlier.outputs[j]));
      return;
    }
    if (!earlier) seen.set(key, node);
    nodes.push(node);
  });
  const values = new Map([...graph.values].filter(([name]) => !rename.has(name)));
  return new Graph(graph.name, graph.inputs, graph.outputs, initializers, nodes, values);
}
