import type { GraphBuilder, Value } from '../../graph/builder.ts';
import { tensor } from '../../graph/tensor.ts';
import type { GradRule } from '../rule.ts';

/**
 * DFT is linear, so its vector-Jacobian product is the adjoint transform (docs/reference/backends.md §2.3), with the signal
 * length L (dft_length, or the signal axis):
 * - forward c2c, y = F x:        x̄ = L·DFT⁻¹(ȳ)
 * - inverse c2c, y = F⁻¹x:       x̄ = DFT(ȳ)/L
 * - rfft (onesided), y = P F x:  x̄ = L·DFT⁻¹(ȳ zero-padded from ⌊L/2⌋+1 to L bins)
 * - irfft (onesided inverse):    x̄ = rfft(ȳ)·c/L, with c = 1 for the DC and Nyquist bins and 2 elsewhere
 *   (each other bin stands for itself and its conjugate twin)
 * then the real part when x is real, and x̄ cut or zero-padded back to x's length when dft_length differed.
 */
export const DFTGrad: GradRule = {
  op: 'DFT',
  grad(ctx) {
    const { b, g, x: [x], node, attr, scalar } = ctx;
    const rank = x!.rank;
    const axis = (attr<number>('axis') + rank) % rank;
    const inverse = attr<number>('inverse') === 1;
    const onesided = attr<number>('onesided') === 1;
    const irfft = onesided && inverse;
    const length = node.inputs[1] ? ctx.ints(1)[0] : irfft ? 2 * (x!.shape[axis] - 1) : x!.shape[axis];
    const dft = (v: Value, inv: number, one = 0) => b.op1('DFT', [v], { axis, inverse: inv, onesided: one });
    const along = (v: Value, len: number): Value => fitAxis(b, v, axis, len);
    if (irfft) {
      const bins = Math.floor(length / 2) + 1;
      const weights = Array.from({ length: bins }, (_, k) => (k === 0 || 2 * k === length ? 1 : 2) / length);
      const shape = g.shape.map((_, i) => (i === axis ? bins : 1));
      return [along(b.mul(dft(g, 0, 1), b.constant(tensor(g.dtype, shape, weights))), x!.shape[axis]), null];
    }
    const full = onesided ? along(g, length) : g;
    let dx = inverse ? b.div(dft(full, 0), scalar(length)) : b.mul(dft(full, 1), scalar(length));
    dx = along(dx, x!.shape[axis]);
    if (x!.shape[rank - 1] === 1) dx = b.op1('Slice', [dx, b.ints([0]), b.ints([1]), b.ints([rank - 1])]);
    return [dx, null];
  },
};

/** Cuts `v` to `len` along `axis`, or zero-pads it at the end. */
function fitAxis(b: GraphBuilder, v: Value, axis: number, len: number): Value {
  const have = v.shape[axis];
  if (have === len) return v;
  if (have > len) return b.op1('Slice', [v, b.ints([0]), b.ints([len]), b.ints([axis])]);
  const pads = new Array<number>(2 * v.rank).fill(0);
  pads[v.rank + axis] = len - have;
  return b.op1('Pad', [v, b.ints(pads)]);
}
