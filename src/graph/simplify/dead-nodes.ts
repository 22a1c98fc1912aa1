import type { Graph } from '../ir.ts';
import { rebuild } from './rebuild.ts';

/**
 * Dead-output elimination: drops every node none of whose outputs a graph output needs (rewrites leave the
 * nodes they bypassed behind), and the constants only those used. Inputs stay, so feeds do not change.
 */
export function removeDeadNodes(graph: Graph): Graph {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const keep = new Array<boolean>(graph.nodes.length).fill(false);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (!n.outputs.some((o) => needed.has(o))) continue;
    keep[i] = true;
    for (const x of n.inputs) if (x) needed.add(x);
  }
  const initializers = new Map([...graph.initializers].filter(([k]) => needed.has(k)));
  return rebuild(graph, graph.nodes.filter((_, i) => keep[i]), new Map(), initializers);
}
