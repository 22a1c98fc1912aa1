import type { GraphBuilder, Value } from '../graph/builder.ts';

export interface ConvGeometry {
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** ONNX order: all begins, then all ends. */
  readonly pads: readonly number[];
  readonly group: number;
}

/**
 * The filter gradient of a convolution, as another Conv (no ConvGrad op): with input X [N, C, S…] and output
 * gradient G [N, M, O…], dW[m, c, k] = Σ_{n,o} X[n, c, o·s + k·d − p]·G[n, m, o], which is a convolution of
 * X (batch and channel swapped) by G (likewise) with strides and dilations exchanged. Groups become the
 * groups of that convolution after folding them next to the batch axis. Returns [M, C/group, kernel…].
 * ConvTranspose's filter gradient is the same contraction with the roles of X and G exchanged.
 */
export function filterGradient(b: GraphBuilder, x: Value, g: Value, kernel: readonly number[], geo: ConvGeometry): Value {
  const [n, c, ...spatial] = x.shape;
  const [, m, ...out] = g.shape;
  const groups = geo.group;
  const k = spatial.length;
  const rest = [...Array(k).keys()].map((i) => i + 3);
  // X [N, C, S] → [N, G, C/G, S] → [C/G, G, N, S] → [C/G, G·N, S]: G·N "channels", grouped by G.
  const xs = b.op1('Reshape', [
    b.op1('Transpose', [b.op1('Reshape', [x, b.ints([n, groups, c / groups, ...spatial])])], { perm: [2, 1, 0, ...rest] }),
    b.ints([c / groups, groups * n, ...spatial]),
  ]);
  // G [N, M, O] → [N, G, M/G, O] → [G, M/G, N, O] → [M, N, O]: M filters of N channels each.
  const gs = b.op1('Reshape', [
    b.op1('Transpose', [b.op1('Reshape', [g, b.ints([n, groups, m / groups, ...out])])], { perm: [1, 2, 0, ...rest] }),
    b.ints([m, n, ...out]),
  ]);
  let dw = b.op1('Conv', [xs, gs], {
    strides: [...geo.dilations],
    dilations: [...geo.strides],
    pads: [...geo.pads],
    group: groups,
  });
  // Trailing input rows that no window reached make the result longer than the kernel; they carry nothing.
  if (dw.shape.slice(2).some((d, i) => d !== kernel[i])) {
    dw = b.op1('Slice', [dw, b.ints(kernel.map(() => 0)), b.ints([...kernel]), b.ints(rest.map((a) => a - 1))]);
  }
  return b.op1('Transpose', [dw], { perm: [1, 0, ...rest.map((a) => a - 1)] });
}

/** The bias gradient of Conv/ConvTranspose: g summed over batch and spatial axes. */
export function biasGradient(b: GraphBuilder, g: Value): Value {
  const axes = [0, ...[...Array(g.rank - 2).keys()].map((i) => i + 2)];
  return b.op1('ReduceSum', [g, b.ints(axes)], { keepdims: 0 });
}
