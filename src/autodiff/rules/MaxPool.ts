import type { Value } from '../../graph/builder.ts';
import { ONNX_DTYPE_CODE } from '../../graph/dtype.ts';
import { resolveWindow } from '../../graph/ops/window.ts';
import type { GradRule } from '../rule.ts';
import { unslice } from '../unslice.ts';

/**
 * MaxPool as the maximum over its window offsets: for each offset, the strided Slice of x (padded with −∞)
 * that the offset reads for every output position. The elements equal to y get g, shared evenly among ties
 * (torch gives it to one), and each offset's share is scattered back with the Slice adjoint. Handles strides,
 * pads, dilations, overlapping windows and ceil_mode, in forward ops only.
 */
export const MaxPoolGrad: GradRule = {
  op: 'MaxPool',
  grad({ b, g, x: [x], y: [y], node, attr }) {
    const spatial = x!.shape.slice(2);
    const kernel = attr<number[]>('kernel_shape');
    const k = spatial.length;
    const win = resolveWindow(spatial, kernel, node.attrs, attr<number>('ceil_mode') === 1);
    // ceil_mode's last window may run past the end padding: pad far enough for every window to be whole.
    const extent = spatial.map((_, i) => (win.out[i] - 1) * win.strides[i] + (kernel[i] - 1) * win.dilations[i] + 1);
    const ends = spatial.map((s, i) => Math.max(extent[i] - s - win.pads[i], win.pads[i + k]));
    const padded = spatial.map((s, i) => win.pads[i] + s + ends[i]);
    const pads = [0, 0, ...win.pads.slice(0, k), 0, 0, ...ends];
    const xp = pads.some((p) => p > 0) ? b.op1('Pad', [x!, b.ints(pads), b.scalar(-Infinity, x!.dtype)]) : x!;
    const offsets = windowOffsets(kernel);
    const axesOf = (off: number[]) =>
      off.map((o, i) => ({ axis: i + 2, start: o * win.dilations[i], step: win.strides[i], length: win.out[i] }));
    const masks = offsets.map((off) => {
      const axes = axesOf(off);
      const taken = b.op1('Slice', [
        xp,
        b.ints(axes.map((a) => a.start)),
        b.ints(axes.map((a) => a.start + (a.length - 1) * a.step + 1)),
        b.ints(axes.map((a) => a.axis)),
        b.ints(axes.map((a) => a.step)),
      ]);
      return b.op1('Cast', [b.op1('Equal', [taken, y])], { to: ONNX_DTYPE_CODE[x!.dtype] });
    });
    const share = b.div(g, masks.reduce((acc, m) => b.add(acc, m)));
    const fullShape = [...x!.shape.slice(0, 2), ...padded];
    const dxp = offsets
      .map((off, j): Value => unslice(b, b.mul(masks[j], share), fullShape, axesOf(off)))
      .reduce((acc, d) => b.add(acc, d));
    if (xp === x) return [dxp];
    return [b.op1('Slice', [dxp, b.ints(win.pads.slice(0, k)), b.ints(spatial.map((s, i) => win.pads[i] + s)), b.ints(spatial.map((_, i) => i + 2))])];
  },
};

/** Every offset of a window, row-major ([0,0], [0,1], …). */
function windowOffsets(kernel: readonly number[]): number[][] {
  return kernel.reduce<number[][]>((acc, kDim) => acc.flatMap((prefix) => Array.from({ length: kDim }, (_, o) => [...prefix, o])), [[]]);
}
