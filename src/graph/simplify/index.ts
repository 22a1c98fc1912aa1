import type { Graph } from '../ir.ts';
import { eliminateCommonSubexpressions } from './cse.ts';
import { removeDeadNodes } from './dead-nodes.ts';
import { foldConstants } from './fold-constants.ts';
import { applyIdentities } from './identities.ts';

export { eliminateCommonSubexpressions, type CseOptions } from './cse.ts';
export { removeDeadNodes } from './dead-nodes.ts';
export { foldConstants } from './fold-constants.ts';
export { applyIdentities } from './identities.ts';

/** Rounds of the passes at most; each round only shrinks the graph, and three reach the fixed point on every program here. */
const MAX_ROUNDS = 6;

/**
 * The graph simplifier between autodiff and the backends (specs/graph-and-autodiff.md §simplify): constant
 * folding, algebraic identities, common-subexpression elimination and dead-node elimination, repeated until the
 * node count stops falling. Inputs, outputs and their names are kept, so a session runs the result unchanged.
 */
export function simplifyGraph(graph: Graph): Graph {
  let g = graph;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = g.nodes.length + g.initializers.size;
    g = removeDeadNodes(eliminateCommonSubexpressions(applyIdentities(foldConstants(g))));
    if (g.nodes.length + g.initializers.size >= before) break;
  }
  return g;
}
