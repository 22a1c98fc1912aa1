import type { GradRule } from '../rule.ts';

/** Each input gets its own slab of the gradient along the concatenation axis. */
export const ConcatGrad: GradRule = {
  op: 'Concat',
  grad({ b, g, x, attr }) {
    const rank = g.rank;
    const axis = (attr<number>('axis') + rank) % rank;
    let offset = 0;
    return x.map((xi) => {
      const len = xi!.shape[axis];
      offset += len;
      return b.op1('Slice', [g, b.ints([offset - len]), b.ints([offset]), b.ints([axis])]);
    });
  },
};
