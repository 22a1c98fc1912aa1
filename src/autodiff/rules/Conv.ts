import { resolveWindow } from '../../graph/ops/window.ts';
import { biasGradient, filterGradient, inputGradientByConv } from '../conv-grad.ts';
import type { GradRule } from '../rule.ts';

/**
 * Conv: the input gradient is a Conv of g by the flipped filter where the stride is 1, else a ConvTranspose of
 * g by the same filter and geometry (output_padding restores input rows the last window did not reach); the
 * filter gradient is an im2col MatMul or another Conv (see conv-grad.ts for which and why).
 */
export const ConvGrad: GradRule = {
  op: 'Conv',
  grad(ctx) {
    const { b, g, x: [x, w, bias], node, attr } = ctx;
    const spatial = x!.shape.slice(2);
    const kernel = w!.shape.slice(2);
    const win = resolveWindow(spatial, kernel, node.attrs);
    const k = spatial.length;
    const geo = { strides: win.strides, dilations: win.dilations, pads: win.pads, group: attr<number>('group') };
    const reached = spatial.map((_, i) => win.strides[i] * (win.out[i] - 1) + (kernel[i] - 1) * win.dilations[i] + 1 - win.pads[i] - win.pads[i + k]);
    const dx = inputGradientByConv(b, g, w!, geo) ?? b.op1('ConvTranspose', [g, w!], {
      strides: win.strides,
      dilations: win.dilations,
      pads: win.pads,
      group: geo.group,
      output_padding: spatial.map((s, i) => s - reached[i]),
    });
    return [dx, filterGradient(b, x!, g, kernel, geo), bias ? biasGradient(b, g) : null];
  },
};
