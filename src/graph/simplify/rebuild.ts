import { Graph, type Node, type ValueInfo } from '../ir.ts';
import type { Tensor } from '../tensor.ts';

/**
 * A pass's result as a graph: `nodes` with every input renamed through `rename` (a value replaced by an equal
 * one), the extra `initializers` added, and the value table cut to what is still produced, fed or constant.
 * Inputs and outputs never change, so a session feeds and fetches the simplified graph exactly as the original.
 */
export function rebuild(graph: Graph, nodes: readonly Node[], rename: ReadonlyMap<string, string>, initializers: ReadonlyMap<string, Tensor> = graph.initializers): Graph {
  const resolve = (name: string): string => {
    let n = name;
    while (rename.has(n)) n = rename.get(n)!;
    return n;
  };
  const renamed = nodes.map((n) => (n.inputs.some((i) => i && rename.has(i)) ? { ...n, inputs: n.inputs.map((i) => (i ? resolve(i) : i)) } : n));
  const produced = new Set(renamed.flatMap((n) => n.outputs));
  const inits = new Map([...initializers].filter(([k]) => !produced.has(k)));
  const inputs = new Set(graph.inputs.map((i) => i.name));
  const values = new Map<string, ValueInfo>();
  for (const [k, v] of graph.values) if (produced.has(k) || inits.has(k) || inputs.has(k)) values.set(k, v);
  return new Graph(graph.name, graph.inputs, graph.outputs, inits, renamed, values);
}

/** Names of the graph outputs: nodes producing them are never removed or renamed away. */
export function outputNames(graph: Graph): Set<string> {
  return new Set(graph.outputs.map((o) => o.name));
}
