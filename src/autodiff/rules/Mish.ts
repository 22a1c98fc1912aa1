import type { GradRule } from '../rule.ts';

/** d x·tanh(softplus x) = g·(t + x·(1 − t²)·σ(x)) with t = tanh(softplus x), since softplus′ = σ. */
export const MishGrad: GradRule = {
  op: 'Mish',
  grad({ b, g, x: [x], scalar }) {
    const t = b.tanh(b.softplus(x!));
    const dt = b.mul(b.sub(scalar(1), b.mul(t, t)), b.sigmoid(x!));
    return [b.mul(g, b.add(t, b.mul(x!, dt)))];
  },
};
