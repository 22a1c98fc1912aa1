import type { GradRule } from '../rule.ts';

/** d x·max(0, min(1, x/6 + ½)) = 0 for x < −3, g for x > 3, else g·(x/3 + ½) (torch's hardswish_backward). */
export const HardSwishGrad: GradRule = {
  op: 'HardSwish',
  grad({ b, g, x: [x], scalar }) {
    const middle = b.mul(g, b.add(b.div(x!, scalar(3)), scalar(0.5)));
    return [b.where(b.less(x!, scalar(-3)), scalar(0), b.where(b.greater(x!, scalar(3)), g, middle))];
  },
};
