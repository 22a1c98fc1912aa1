import type { GradRule } from '../rule.ts';

/**
 * Constant-mode Pad: the gradient is the slab of g where the input landed. Negative pads (crops) are undone
 * by padding the gradient with zeros. The pad value's own gradient is not supported (it is a constant in
 * every model tandem builds; the walker reports it if it ever depends on a differentiated value).
 */
export const PadGrad: GradRule = {
  op: 'Pad',
  grad(ctx) {
    const { b, g, x: [x], attr, fail } = ctx;
    if (attr<string>('mode') !== 'constant') fail(`Pad mode "${attr<string>('mode')}" has no gradient rule; only constant mode does (circular padding is lowered to Slice + Concat)`);
    const r = x!.rank;
    const pads = ctx.ints(1);
    const starts = x!.shape.map((_, i) => Math.max(pads[i], 0));
    const ends = x!.shape.map((d, i) => starts[i] + d + Math.min(pads[i], 0) + Math.min(pads[i + r], 0));
    let d = b.op1('Slice', [g, b.ints(starts), b.ints(ends)]);
    const crops = [...x!.shape.map((_, i) => Math.max(-pads[i], 0)), ...x!.shape.map((_, i) => Math.max(-pads[i + r], 0))];
    if (crops.some((p) => p > 0)) d = b.op1('Pad', [d, b.ints(crops)]);
    return [d, null, null];
  },
};
