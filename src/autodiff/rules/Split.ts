import type { GradRule } from '../rule.ts';

/** The pieces' gradients concatenated back along the split axis; a piece no gradient reaches contributes zeros. */
export const SplitGrad: GradRule = {
  op: 'Split',
  grad({ b, x: [x], y, dy, attr }) {
    const axis = (attr<number>('axis') + x!.rank) % x!.rank;
    const parts = y.map((piece, k) => dy[k] ?? b.op1('Expand', [b.scalar(0, piece.dtype), b.ints(piece.shape)]));
    return [parts.length === 1 ? parts[0] : b.op1('Concat', parts, { axis }), null];
  },
};
