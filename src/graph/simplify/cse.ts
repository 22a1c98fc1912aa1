import type { Graph, Node } from '../ir.ts';
import type { Tensor } from '../tensor.ts';
import { outputNames, rebuild } from './rebuild.ts';

export interface CseOptions {
  /** Nodes before this index are never merged away (autodiff keeps the forward nodes parity names). Default 0. */
  readonly mergeFrom?: number;
  /** Constants that keep their name; an equal later constant is read from them instead. Default none. */
  readonly pinned?: ReadonlySet<string>;
}

/** Constants up to this many elements are compared by content; larger ones are left alone (cost, rarely equal). */
const SMALL_CONSTANT = 64;

/**
 * Common-subexpression elimination: a node with the same op, inputs and attributes as an earlier node is dropped
 * and its outputs read from the earlier one; equal small constants (the many scalar 1s and axes lists that rules
 * and optimizers make) are merged first, so nodes reading equal constants become equal too. Nodes that name a
 * graph output stay, as do `Constant` nodes.
 */
export function eliminateCommonSubexpressions(graph: Graph, options: CseOptions = {}): Graph {
  const mergeFrom = options.mergeFrom ?? 0;
  const pinned = options.pinned ?? new Set<string>();
  const rename = new Map<string, string>();
  const initializers = new Map<string, Tensor>();
  const byContent = new Map<string, string>();
  const contentKey = (t: Tensor): string => `${t.dtype}|${t.shape.join(',')}|${Array.from(t.data as ArrayLike<number | bigint>, String).join(',')}`;
  const ordered = [...[...graph.initializers].filter(([k]) => pinned.has(k)), ...[...graph.initializers].filter(([k]) => !pinned.has(k))];
  for (const [name, t] of ordered) {
    const key = t.data.length <= SMALL_CONSTANT ? contentKey(t) : undefined;
    const same = key && byContent.get(key);
    if (same && !pinned.has(name)) {
      rename.set(name, same);
      continue;
    }
    if (key && !same) byContent.set(key, name);
    initializers.set(name, t);
  }
  const outputs = outputNames(graph);
  const seen = new Map<string, Node>();
  const nodes: Node[] = [];
  graph.nodes.forEach((n, i) => {
    const inputs = n.inputs.map((x) => rename.get(x) ?? x);
    const node = inputs.some((x, j) => x !== n.inputs[j]) ? { ...n, inputs } : n;
    // A Constant's int64 value tensor holds BigInts, which JSON.stringify refuses: write them as strings.
    const key = JSON.stringify([n.op, inputs, Object.entries(n.attrs).sort(([a], [b]) => a.localeCompare(b))], (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    const earlier = n.op === 'Constant' ? undefined : seen.get(key);
    if (earlier && i >= mergeFrom && !n.outputs.some((o) => outputs.has(o))) {
      n.outputs.forEach((o, j) => rename.set(o, earlier.outputs[j]));
      return;
    }
    if (!earlier) seen.set(key, node);
    nodes.push(node);
  });
  return rebuild(graph, nodes, rename, initializers);
}
