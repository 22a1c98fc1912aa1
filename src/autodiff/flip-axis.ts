import type { GraphBuilder, Value } from '../graph/builder.ts';

/**
 * Reverses `v` along `axis` as a Gather with constant reversed indices: unlike a negative-step Slice, Gather's
 * gradient rule is itself made of forward ops, so gradients that flip stay differentiable.
 */
export function flipAxis(b: GraphBuilder, v: Value, axis: number): Value {
  const n = v.shape[axis]!;
  return n > 1 ? b.op1('Gather', [v, b.ints([...Array(n).keys()].reverse())], { axis }) : v;
}
