import type { GradRule } from '../rule.ts';

/**
 * Tiling axis i r times puts x[j] at r·d + j, so g reshaped to [r0, d0, r1, d1, …] and summed over the
 * repeat axes is the gradient.
 */
export const TileGrad: GradRule = {
  op: 'Tile',
  grad(ctx) {
    const { b, g, x: [x] } = ctx;
    const repeats = ctx.ints(1);
    const split = x!.shape.flatMap((d, i) => [repeats[i], d]);
    const summed = b.op1('ReduceSum', [b.op1('Reshape', [g, b.ints(split)]), b.ints(repeats.map((_, i) => 2 * i))], { keepdims: 0 });
    return [summed, null];
  },
};
