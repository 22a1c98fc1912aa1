import type { GradRule } from '../rule.ts';

/**
 * Clip(x, min, max) = min(max(x, min), max), with torch.clamp's gradients: x gets g where min ≤ x ≤ max;
 * min gets g where x < min (and min < max); max gets g where x > max, or everywhere when max < min (the
 * output is then max itself).
 */
export const ClipGrad: GradRule = {
  op: 'Clip',
  grad({ b, g, x: [x, lo, hi], scalar }) {
    const zero = scalar(0);
    const below = lo ? b.less(x!, lo) : undefined;
    const above = hi ? b.greater(x!, hi) : undefined;
    let dx = g;
    if (below) dx = b.where(below, zero, dx);
    if (above) dx = b.where(above, zero, dx);
    const crossed = lo && hi ? b.less(hi, lo) : undefined;
    let dLo = below ? b.where(below, g, zero) : null;
    let dHi = above ? b.where(above, g, zero) : null;
    if (crossed) {
      dLo = b.where(crossed, zero, dLo!);
      dHi = b.where(crossed, g, dHi!);
    }
    return [dx, dLo, dHi];
  },
};
