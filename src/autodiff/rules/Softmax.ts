import type { GradRule } from '../rule.ts';

/** dx = y ⊙ (g − Σ_axis(g ⊙ y)), the SoftmaxGrad formula in forward ops. */
export const SoftmaxGrad: GradRule = {
  op: 'Softmax',
  grad({ b, g, y: [y], attr }) {
    const dot = b.op1('ReduceSum', [b.mul(g, y), b.ints([attr<number>('axis')])], { keepdims: 1 });
    return [b.mul(y, b.sub(g, dot))];
  },
};
