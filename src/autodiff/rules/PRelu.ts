import type { GradRule } from '../rule.ts';

/** y = slope·x where x < 0, else x: dx = g·slope there and g elsewhere; dSlope = g·x there (the walker sums it to slope's shape). */
export const PReluGrad: GradRule = {
  op: 'PRelu',
  grad({ b, g, x: [x, slope], scalar }) {
    const negative = b.less(x!, scalar(0));
    return [b.where(negative, b.mul(g, slope!), g), b.where(negative, b.mul(g, x!), scalar(0))];
  },
};
