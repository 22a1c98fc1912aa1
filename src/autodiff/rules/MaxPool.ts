import type { Value } from '../../graph/builder.ts';
import { ONNX_DTYPE_CODE } from '../../graph/dtype.ts';
import { resolveWindow } from '../../graph/ops/window.ts';
import { sizeOf, tensor } from '../../graph/tensor.ts';
import type { GradRule } from '../rule.ts';

/**
 * MaxPool's gradient goes to the elements equal to their window's maximum, shared evenly among ties (torch
 * gives it to one). Windows are cut into phases: along an axis, phase q holds the window offsets
 * [q·stride, (q+1)·stride), and within one phase the windows' pieces are disjoint blocks of `stride` cells.
 * One Gather per axis stacks the phases of x (padded with −∞) into [N, C, Q₁, out₁, stride₁, …]: exact copies,
 * compared with y by Equal (cells outside the dilated taps are set to −∞ first). Ties are counted over a
 * window's phases and cells, and the shares go back by overlap-adding the phases, one MatMul by a constant 0/1
 * matrix per axis. The node count depends on the rank only, never on the window, the stride or the output.
 */
export const MaxPoolGrad: GradRule = {
  op: 'MaxPool',
  grad({ b, g, x: [x], y: [y], node, attr }) {
    const [n, c, ...spatial] = x!.shape;
    const kernel = attr<number[]>('kernel_shape');
    const { strides, dilations: dil, pads, out } = resolveWindow(spatial, kernel, node.attrs, attr<number>('ceil_mode') === 1);
    const k = spatial.length;
    const spans = kernel.map((kk, i) => (kk - 1) * dil[i] + 1);
    // Along an axis with a single window the stride is never taken: treat it as the span, one phase.
    const s = strides.map((st, i) => (out[i] === 1 ? Math.max(st, spans[i]) : st));
    const phases = spans.map((span, i) => Math.ceil(span / s[i]));
    // Every phase's blocks fit in (out + phases − 1)·stride cells from the first window's start.
    const blocks = out.map((o, i) => o + phases[i] - 1);
    const extent = blocks.map((m, i) => m * s[i]);
    const spatialPads = (begin: number[], end: number[]) => b.ints([0, 0, ...begin, 0, 0, ...end]);
    let cells = b.op1('Pad', [x!, spatialPads(pads.slice(0, k), extent.map((e, i) => e - spatial[i] - pads[i])), b.scalar(-Infinity, x!.dtype)]);
    // Phase q of axis i reads cells [q·s, q·s + out·s): Gather turns that axis into [Q, out·s].
    spatial.forEach((_, i) => {
      const index = Array.from({ length: phases[i] * out[i] * s[i] }, (_, j) => Math.floor(j / (out[i] * s[i])) * s[i] + (j % (out[i] * s[i])));
      cells = b.gather(cells, b.constant(tensor('int64', [phases[i], out[i] * s[i]], index)), 2 + 2 * i);
    });
    const phased = [n, c, ...out.flatMap((o, i) => [phases[i], o, s[i]])];
    cells = b.reshape(cells, phased);
    // Cell r of phase q is a tap when q·s + r lies in the window and on the dilation grid.
    const isTap = (i: number, q: number, r: number) => q * s[i] + r < spans[i] && (q * s[i] + r) % dil[i] === 0;
    const tapShape = out.flatMap((_, i) => [phases[i], 1, s[i]]);
    const taps = Array.from({ length: sizeOf(tapShape) }, (_, flat) => {
      let rem = flat;
      let all = true;
      for (let i = k - 1; i >= 0; i--) {
        const r = rem % s[i];
        const q = Math.floor(rem / s[i]) % phases[i];
        rem = Math.floor(rem / (s[i] * phases[i]));
        all &&= isTap(i, q, r);
      }
      return all ? 1 : 0;
    });
    if (taps.includes(0)) cells = b.where(b.constant(tensor('bool', [1, 1, ...tapShape], taps)), cells, b.scalar(-Infinity, x!.dtype));
    const perWindow = [n, c, ...out.flatMap((o) => [1, o, 1])];
    const mask = b.op1('Cast', [b.equal(cells, b.reshape(y, perWindow))], { to: ONNX_DTYPE_CODE[x!.dtype] });
    const ties = b.reduceSum(mask, out.flatMap((_, i) => [2 + 3 * i, 4 + 3 * i]));
    let d: Value = b.mul(mask, b.div(b.reshape(g, perWindow), ties));
    // Overlap-add, last axis first so the earlier axes keep their positions: (q, m) lands on block q + m.
    for (let i = k - 1; i >= 0; i--) {
      if (phases[i] > 1) d = overlapAdd(b, d, 2 + 3 * i, phases[i], out[i]);
    }
    const dxp = b.reshape(d, [n, c, ...extent]);
    return [b.op1('Pad', [dxp, spatialPads(pads.slice(0, k).map((p) => -p), spatial.map((len, i) => len + pads[i] - extent[i]))])];
  },
};

/**
 * Sums axes (axis, axis + 1) = (phase q, window m) of `d` onto one axis of q + m: a Transpose of the pair to
 * the end, a MatMul by the constant 0/1 matrix [(q, m), q + m], and a Transpose back.
 */
function overlapAdd(b: Parameters<GradRule['grad']>[0]['b'], d: Value, axis: number, phases: number, windows: number): Value {
  const rest = d.shape.map((_, j) => j).filter((j) => j !== axis && j !== axis + 1);
  const moved = b.transpose(d, [...rest, axis, axis + 1]);
  const kept = rest.map((j) => d.shape[j]);
  // A 2-D MatMul: a batched one would broadcast the constant to every batch element on some backends (tfjs).
  const flat = b.reshape(moved, [sizeOf(kept), phases * windows]);
  const span = phases + windows - 1;
  const add = Array.from({ length: phases * windows * span }, (_, f) => {
    const [row, col] = [Math.floor(f / span), f % span];
    return Math.floor(row / windows) + (row % windows) === col ? 1 : 0;
  });
  const summed = b.reshape(b.matmul(flat, b.constant(tensor(d.dtype, [phases * windows, span], add))), [...kept, span]);
  const rank = summed.rank;
  return b.transpose(summed, Array.from({ length: rank }, (_, j) => (j < axis ? j : j === axis ? rank - 1 : j - 1)));
}
