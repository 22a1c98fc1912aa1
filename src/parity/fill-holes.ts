import { grad } from '../autodiff/vjp.ts';
import type { RuleRegistry } from '../autodiff/rule-registry.ts';
import { Graph, type Node } from '../graph/ir.ts';
import type { DerivativeRecord } from '../train/loss-scope.ts';

/**
 * tandem's counterpart of what torch does with a cut PINN loss graph (derivative-terms.ts): every derivative
 * hole computed again by tandem's autodiff (with `rules`), in term order, over the graph as it now is. On a
 * probed graph this makes the input derivatives differentiate the PROBED model, exactly as torch.autograd
 * does on its side, so a probe on a model edge means the same on both sides (probe-plans.ts).
 *
 * The nodes that consume holes stay in the node list while the holes are built (their names stay taken, so
 * autodiff's fresh names cannot collide with them); the result is put back in topological order.
 */
export function fillHoles(cut: Graph, terms: readonly DerivativeRecord[], rules: RuleRegistry | undefined): Graph {
  const holes = new Set(terms.map((t) => t.name));
  const values = new Map([...cut.values].filter(([k]) => !holes.has(k)));
  let g = new Graph(cut.name, cut.inputs.filter((i) => !holes.has(i.name)), [], cut.initializers, cut.nodes, values);
  for (const t of terms) g = grad(g, { of: t.of, wrt: [t.wrt], names: [t.name], ...(t.seed ? { seed: t.seed } : {}) }, rules);
  return new Graph(cut.name, g.inputs, cut.outputs, g.initializers, topologicalOrder(g), g.values);
}

/** The nodes of `graph` reordered so every node follows the producers of its inputs (stable otherwise). */
function topologicalOrder(graph: Graph): Node[] {
  const ready = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  const ordered: Node[] = [];
  let pending = graph.nodes;
  while (pending.length) {
    const before = pending.length;
    pending = pending.filter((n) => {
      if (!n.inputs.every((x) => !x || ready.has(x))) return true;
      ordered.push(n);
      for (const o of n.outputs) if (o) ready.add(o);
      return false;
    });
    if (pending.length === before) throw new Error(`graph "${graph.name}": nodes ${pending.slice(0, 3).map((n) => `"${n.name}"`).join(', ')} read values no node computes`);
  }
  return ordered;
}
