import { resolveWindow } from '../../graph/ops/window.ts';
import { sizeOf, tensor } from '../../graph/tensor.ts';
import type { GradRule } from '../rule.ts';

/**
 * Every element of a window gets g/divisor: a depthwise ConvTranspose of g/divisor by a filter of ones. The
 * divisor per output position is a constant (shapes are static): the window's size, or with
 * count_include_pad=0 only its elements inside the unpadded input, per axis and multiplied across axes.
 */
export const AveragePoolGrad: GradRule = {
  op: 'AveragePool',
  grad({ b, g, x: [x], node, attr }) {
    const [, c, ...spatial] = x!.shape;
    const kernel = attr<number[]>('kernel_shape');
    const win = resolveWindow(spatial, kernel, node.attrs, attr<number>('ceil_mode') === 1);
    const k = spatial.length;
    const includePad = attr<number>('count_include_pad') === 1;
    const perAxis = spatial.map((s, i) =>
      Array.from({ length: win.out[i] }, (_, o) => {
        const lo = o * win.strides[i] - win.pads[i];
        const [min, max] = includePad ? [-win.pads[i], s + win.pads[i + k]] : [0, s];
        return Math.min(lo + kernel[i], max) - Math.max(lo, min);
      }),
    );
    const divisor = Array.from({ length: sizeOf(win.out) }, (_, flat) => {
      let count = 1;
      let rem = flat;
      for (let i = k - 1; i >= 0; i--) {
        count *= perAxis[i][rem % win.out[i]];
        rem = Math.floor(rem / win.out[i]);
      }
      return count;
    });
    const scaled = b.div(g, b.constant(tensor(g.dtype, [1, 1, ...win.out], divisor)));
    const ones = b.constant(tensor(g.dtype, [c, 1, ...kernel], new Array(c * sizeOf(kernel)).fill(1)));
    const full = spatial.map((_, i) => win.strides[i] * (win.out[i] - 1) + kernel[i] - win.pads[i] - win.pads[i + k]);
    let dx = b.op1('ConvTranspose', [scaled, ones], {
      strides: win.strides,
      pads: win.pads,
      group: c,
      output_padding: spatial.map((s, i) => Math.max(s - full[i], 0)),
    });
    // ceil_mode windows may run past the input; their gradient there falls outside x and is dropped.
    if (dx.shape.slice(2).some((d, i) => d !== spatial[i])) {
      dx = b.op1('Slice', [dx, b.ints(spatial.map(() => 0)), b.ints(spatial), b.ints(spatial.map((_, i) => i + 2))]);
    }
    return [dx];
  },
};
