import type { Value } from '../../graph/builder.ts';
import { ONNX_DTYPE_CODE } from '../../graph/dtype.ts';
import { resolveWindow } from '../../graph/ops/window.ts';
import type { GradRule } from '../rule.ts';
import { unslice } from '../unslice.ts';

/**
 * MaxPool's gradient goes to the elements equal to their window's maximum, shared evenly among ties (torch
 * gives it to one). Windows are cut into phases: along each axis, phase q holds the window offsets
 * [q·stride, (q+1)·stride), and within one phase the windows' pieces are disjoint blocks of `stride` cells. So
 * a phase is a Reshape of x (padded with −∞) to [N, C, out₁, stride₁, …], a strided Slice for dilation, and
 * an Equal with y: exact copies, no arithmetic. Ties are counted over all phases, and each phase's share goes
 * back through the same Reshape and Pad. The node count grows with the phase count Π⌈window/stride⌉ (1 for
 * non-overlapping windows, a global pool included), never with the kernel's size or the output's.
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
    const extent = out.map((o, i) => (o + phases[i] - 1) * s[i]);
    const spatialPads = (begin: number[], end: number[]) => b.ints([0, 0, ...begin, 0, 0, ...end]);
    const xp = b.op1('Pad', [x!, spatialPads(pads.slice(0, k), extent.map((e, i) => e - spatial[i] - pads[i])), b.scalar(-Infinity, x!.dtype)]);
    const blocked = [n, c, ...out.flatMap((o, i) => [o, s[i]])];
    const perWindow = [n, c, ...out.flatMap((o) => [o, 1])];
    const blockAxes = out.map((_, i) => 3 + 2 * i);
    const [yw, gw] = [b.reshape(y, perWindow), b.reshape(g, perWindow)];
    const to = ONNX_DTYPE_CODE[x!.dtype];

    const pieces = everyPhase(phases).flatMap((q) => {
      // Within a block, the cells that are window taps: from the first multiple of the dilation, every dil-th.
      const taps = q.map((qi, i) => {
        const first = (dil[i] - ((qi * s[i]) % dil[i])) % dil[i];
        const end = Math.min(s[i], spans[i] - qi * s[i]);
        return { axis: blockAxes[i], start: first, step: dil[i], length: Math.max(0, Math.ceil((end - first) / dil[i])) };
      });
      if (taps.some((t) => t.length === 0)) return [];
      const starts = q.map((qi, i) => qi * s[i]);
      const slab = b.slice(xp, starts, starts.map((st, i) => st + out[i] * s[i]), spatial.map((_, i) => i + 2));
      let cells = b.reshape(slab, blocked);
      if (taps.some((t, i) => t.start !== 0 || t.step !== 1 || t.length !== s[i])) {
        cells = b.slice(cells, taps.map((t) => t.start), taps.map((t) => t.start + (t.length - 1) * t.step + 1), blockAxes, taps.map((t) => t.step));
      }
      const mask = b.op1('Cast', [b.equal(cells, yw)], { to });
      return [{ q, taps, mask, count: b.reduceSum(mask, blockAxes) }];
    });
    const share = b.div(gw, pieces.map((p) => p.count).reduce((acc, v) => b.add(acc, v)));
    const dxp = pieces
      .map(({ q, taps, mask }): Value => {
        const blocks = unslice(b, b.mul(mask, share), blocked, taps);
        const starts = q.map((qi, i) => qi * s[i]);
        return b.op1('Pad', [b.reshape(blocks, [n, c, ...out.map((o, i) => o * s[i])]), spatialPads(starts, extent.map((e, i) => e - starts[i] - out[i] * s[i]))]);
      })
      .reduce((acc, v) => b.add(acc, v));
    return [b.op1('Pad', [dxp, spatialPads(pads.slice(0, k).map((p) => -p), spatial.map((len, i) => len + pads[i] - extent[i]))])];
  },
};

/** Every phase index vector, row-major ([0,0], [0,1], …). */
function everyPhase(counts: readonly number[]): number[][] {
  return counts.reduce<number[][]>((acc, m) => acc.flatMap((prefix) => Array.from({ length: m }, (_, q) => [...prefix, q])), [[]]);
}
