import type { Graph } from '../ir.ts';
import { liveNodes } from '../live-nodes.ts';
import { rebuild } from './rebuild.ts';

/**
 * Dead-output elimination: drops every node none of whose outputs a graph output needs (rewrites leave the
 * nodes they bypassed behind), and the constants only those used. Inputs stay, so feeds do not change.
 */
export function removeDeadNodes(graph: Graph): Graph {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const nodes = liveNodes(graph.nodes, needed, new Set());
  const initializers = new Map([...graph.initializers].filter(([k]) => needed.has(k)));
  return rebuild(graph, nodes, new Map(), initializers);
}
