import type { Value } from '../graph/builder.ts';
import { inversePerm, type BlockShuffle } from '../graph/ops/block-shuffle.ts';
import type { GradContext } from './rule.ts';

/** A block shuffle (Reshape, Transpose, Reshape) only moves elements: its gradient moves g back by the inverse permutation. */
export function unshuffle({ b, g, x: [x] }: GradContext, { split, perm }: BlockShuffle): Value {
  const moved = b.op1('Reshape', [g, b.ints(perm.map((p) => split[p]))]);
  return b.op1('Reshape', [b.op1('Transpose', [moved], { perm: inversePerm(perm) }), b.ints(x!.shape)]);
}
