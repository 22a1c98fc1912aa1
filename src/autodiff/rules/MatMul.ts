import type { Value } from '../../graph/builder.ts';
import type { GradRule } from '../rule.ts';

/**
 * d(A·B) = (G·Bᵀ, Aᵀ·G) over the last two axes. 1-D operands are promoted as numpy does (A → [1, K],
 * B → [K, 1]) and G gets the promoted axes back; the walker then sums broadcast batch axes.
 */
export const MatMulGrad: GradRule = {
  op: 'MatMul',
  grad({ b, g, x: [a, c] }) {
    const A = a!.rank === 1 ? b.op1('Unsqueeze', [a!, b.ints([0])]) : a!;
    const B = c!.rank === 1 ? b.op1('Unsqueeze', [c!, b.ints([1])]) : c!;
    let G = g;
    if (a!.rank === 1) G = b.op1('Unsqueeze', [G, b.ints([Math.max(G.rank - 1, 0)])]);
    if (c!.rank === 1) G = b.op1('Unsqueeze', [G, b.ints([G.rank])]);
    const t = (v: Value): Value => {
      const perm = [...Array(v.rank).keys()];
      [perm[v.rank - 2], perm[v.rank - 1]] = [perm[v.rank - 1], perm[v.rank - 2]];
      return b.op1('Transpose', [v], { perm });
    };
    const dB = b.matmul(t(A), G);
    // A promoted A's [..., 1, K] gradient is a broadcast of [K]; a promoted B's [..., K, 1] must lose its last axis.
    return [b.matmul(G, t(B)), c!.rank === 1 ? b.op1('Squeeze', [dB, b.ints([dB.rank - 1])]) : dB];
  },
};
