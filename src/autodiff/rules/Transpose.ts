import type { GradRule } from '../rule.ts';

/** Transposing the gradient by the inverse permutation (default perm reverses the axes). */
export const TransposeGrad: GradRule = {
  op: 'Transpose',
  grad({ b, g, x: [x], node }) {
    const perm = (node.attrs.perm as number[] | undefined) ?? [...Array(x!.rank).keys()].reverse();
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [b.op1('Transpose', [g], { perm: inverse })];
  },
};
