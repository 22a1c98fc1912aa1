import type { Graph, Node } from '../ir.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import { canEvaluate, evaluate } from './evaluate.ts';
import { outputNames, rebuild } from './rebuild.ts';

/** Results larger than this stay computed: folding an Expand to a batch-sized constant would only add memory. */
const MAX_FOLDED = 4096;

/**
 * Constant folding: a node whose inputs are all constants (Adam's bias-correction scalars, a rule's reshaped ones,
 * a Transpose of a constant) is evaluated once here and becomes a constant of the same name. Nodes naming a graph
 * output stay, so the outputs remain node-produced.
 */
export function foldConstants(graph: Graph): Graph {
  const consts = new Map<string, Tensor>(graph.initializers);
  const outputs = outputNames(graph);
  const nodes: Node[] = [];
  for (const n of graph.nodes) {
    const folded = foldable(n, consts, outputs) && sizeOf(graph.value(n.outputs[0]).shape) <= MAX_FOLDED ? evaluate(n, n.inputs.map((i) => consts.get(i)!), graph.value(n.outputs[0])) : undefined;
    if (folded) consts.set(n.outputs[0], folded);
    else nodes.push(n);
  }
  return rebuild(graph, nodes, new Map(), consts);
}

function foldable(n: Node, consts: ReadonlyMap<string, Tensor>, outputs: ReadonlySet<string>): boolean {
  return (
    canEvaluate(n.op) &&
    n.outputs.length === 1 &&
    !outputs.has(n.outputs[0]) &&
    n.inputs.length > 0 &&
    n.inputs.every((i) => i && consts.has(i))
  );
}
