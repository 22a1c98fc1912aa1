import { convTransposeGeometry } from '../../graph/ops/conv.ts';
import { biasGradient, filterGradient } from '../conv-grad.ts';
import type { GradRule } from '../rule.ts';

/**
 * ConvTranspose is the adjoint of Conv: its input gradient is a Conv of g by the same filter and geometry, and
 * its filter gradient the Conv-filter contraction with input and output exchanged.
 */
export const ConvTransposeGrad: GradRule = {
  op: 'ConvTranspose',
  grad(ctx) {
    const { b, g, x: [x, w, bias], node, attr } = ctx;
    const spatial = x!.shape.slice(2);
    const kernel = w!.shape.slice(2);
    const list = (name: string): number[] => (node.attrs[name] as number[] | undefined)?.slice() ?? spatial.map(() => 1);
    const geo = { strides: list('strides'), dilations: list('dilations'), pads: convTransposeGeometry(spatial, kernel, node.attrs).pads, group: attr<number>('group') };
    let dx = b.op1('Conv', [g, w!], { strides: geo.strides, dilations: geo.dilations, pads: geo.pads, group: geo.group });
    // An output_padding at least the stride (allowed when smaller than the dilation) adds a trailing row.
    if (dx.shape.slice(2).some((d, i) => d !== spatial[i])) {
      dx = b.op1('Slice', [dx, b.ints(spatial.map(() => 0)), b.ints(spatial), b.ints(spatial.map((_, i) => i + 2))]);
    }
    return [dx, filterGradient(b, g, x!, kernel, geo), bias ? biasGradient(b, g) : null];
  },
};
