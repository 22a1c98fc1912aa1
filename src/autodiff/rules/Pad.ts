import type { GraphBuilder, Value } from '../../graph/builder.ts';
import { flipAxis } from '../flip-axis.ts';
import type { GradRule } from '../rule.ts';
import { unslice } from '../unslice.ts';

/**
 * Pad: negative pads (crops) are undone first by padding g with zeros, which gives the gradient of the
 * uncropped padded tensor (every mode pads first, then crops: `_pad_index` in the torch reference). Then, per
 * padded axis, the slab where x landed is its gradient; reflect and edge also fold the padded regions back onto
 * the elements they copied (`foldAxis`). The pad value's own gradient is not supported (it is a constant in
 * every model tandem builds; the walker reports it if it ever depends on a differentiated value).
 */
export const PadGrad: GradRule = {
  op: 'Pad',
  grad(ctx) {
    const { b, g, x: [x], attr } = ctx;
    const mode = attr<string>('mode');
    const r = x!.rank;
    const pads = ctx.ints(1);
    const crops = pads.map((p) => Math.max(-p, 0));
    let d = crops.some((p) => p > 0) ? b.op1('Pad', [g, b.ints(crops)]) : g;
    x!.shape.forEach((n, axis) => {
      const [head, tail] = [Math.max(pads[axis], 0), Math.max(pads[axis + r], 0)];
      if (head > 0 || tail > 0) d = foldAxis(b, d, axis, n, head, tail, mode);
    });
    return [d, null, null];
  },
};

/**
 * The adjoint of padding one axis of length n by `head` and `tail` (both ≥ 0) in `mode`, applied to d (length
 * head + n + tail there). reflect: output i < 0 copied x[−i] and i ≥ n copied x[2(n−1)−i], so the flipped head
 * lands on x[1 : head+1] and the flipped tail on x[n−1−tail : n−1]. edge: each region copied x[0] or x[n−1]
 * and is summed onto it.
 */
function foldAxis(b: GraphBuilder, d: Value, axis: number, n: number, head: number, tail: number, mode: string): Value {
  const part = (start: number, length: number): Value => b.op1('Slice', [d, b.ints([start]), b.ints([start + length]), b.ints([axis])]);
  const shape = d.shape.map((s, i) => (i === axis ? n : s));
  const placeAt = (v: Value, start: number): Value => unslice(b, v, shape, [{ axis, start, step: 1, length: v.shape[axis]! }]);
  const copied = (region: Value): Value => (mode === 'edge' ? b.op1('ReduceSum', [region, b.ints([axis])], { keepdims: 1 }) : flipAxis(b, region, axis));
  let dx = part(head, n);
  if (mode === 'constant') return dx;
  if (head > 0) dx = b.add(dx, placeAt(copied(part(0, head)), mode === 'edge' ? 0 : 1));
  if (tail > 0) dx = b.add(dx, placeAt(copied(part(head + n, tail)), mode === 'edge' ? n - 1 : n - 1 - tail));
  return dx;
}
