import type { Node } from './ir.ts';

/**
 * The nodes that compute `needed` (walked back from the last node), where a value in `given` is taken as fed
 * rather than computed: a node whose only needed outputs are given is dropped. Returns the kept nodes in order and
 * every value they read or that was asked for (`needed` grown in place), so callers can keep exactly those
 * initializers, inputs and value infos. Graph cuts (derivative holes, a loss head at the model outputs) share it.
 */
export function liveNodes(nodes: readonly Node[], needed: Set<string>, given: ReadonlySet<string>): Node[] {
  const keep = new Array<boolean>(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n.outputs.some((o) => needed.has(o) && !given.has(o))) continue;
    keep[i] = true;
    for (const x of n.inputs) if (x) needed.add(x);
  }
  return nodes.filter((_, i) => keep[i]);
}
