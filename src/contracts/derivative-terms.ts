import { Graph, type ValueInfo } from '../graph/ir.ts';
import { liveNodes } from '../graph/live-nodes.ts';
import type { Tensor } from '../graph/tensor.ts';
import type { DerivativeRecord as DerivativeTerm } from '../train/loss-scope.ts';

/**
 * Makes a loss graph fit for the independent reference. tandem's PINN losses contain input derivatives built
 * by tandem's own autodiff (LossScope.derivative, listed in TrainingProgram.derivatives); torch must not run
 * those backward nodes, or the reference would check our autodiff against itself. So every derivative value
 * becomes a "hole": an input of the cut graph that no node computes, filled by torch.autograd.grad from its
 * DerivativeTerm. Nodes only the holes needed are dropped; each term's `of` and `wrt` are kept, since torch
 * differentiates them. A term whose value the graph no longer holds (a u_x that only u_xx used) is still
 * passed to torch, which computes it when a later term needs it.
 */
export function cutDerivatives(graph: Graph, terms: readonly DerivativeTerm[]): Graph {
  if (terms.length === 0) return graph;
  const holes = new Set(terms.map((t) => t.name));
  for (const t of terms) {
    for (const [role, v] of [['of', t.of], ['wrt', t.wrt]] as const) {
      if (!graph.values.has(v) && !holes.has(v)) {
        throw new Error(`graph "${graph.name}": derivative "${t.name}" has ${role} "${v}", which is neither a value of the graph nor another derivative`);
      }
    }
  }
  const needed = new Set<string>([...graph.outputs.map((o) => o.name), ...terms.flatMap((t) => [t.of, t.wrt])]);
  const nodes = liveNodes(graph.nodes, needed, holes);
  const initializers = new Map<string, Tensor>([...graph.initializers].filter(([k]) => needed.has(k)));
  const holeInputs: ValueInfo[] = terms.filter((t) => needed.has(t.name) && graph.values.has(t.name)).map((t) => graph.value(t.name));
  const values = new Map<string, ValueInfo>([...graph.values].filter(([k]) => needed.has(k)));
  return new Graph(graph.name, [...graph.inputs, ...holeInputs], graph.outputs, initializers, nodes, values);
}
