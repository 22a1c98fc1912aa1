import type { GraphBuilder, Value } from '../graph/builder.ts';
import { flipAxis } from './flip-axis.ts';

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
export function filterGradientByConv(b: GraphBuilder, x: Value, g: Value, kernel: readonly number[], geo: ConvGeometry): Value {
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

/** Above this many kernel taps (unmeasured; 2–4 nodes per tap) the Conv form is used instead of im2col. */
const MAX_IM2COL_TAPS = 27;
/** The im2col MatMul stacks this many rows (channels × taps) per product at least: fewer run slowly on ORT. */
const MIN_MATMUL_ROWS = 16;

/**
 * The filter gradient in the form ORT's CPU runs fastest (specs/graph-and-autodiff.md, "Performance forms"):
 * the im2col MatMul for kernels up to MAX_IM2COL_TAPS taps (1.5–5× faster than the Conv form, whose
 * grid-sized kernel ORT runs slowly), the Conv form for larger kernels.
 */
export function filterGradient(b: GraphBuilder, x: Value, g: Value, kernel: readonly number[], geo: ConvGeometry): Value {
  const taps = kernel.reduce((a, d) => a * d, 1);
  return taps <= MAX_IM2COL_TAPS ? filterGradientByMatMul(b, x, g, kernel, geo) : filterGradientByConv(b, x, g, kernel, geo);
}

/**
 * The same filter gradient as MatMuls over (batch, output position) — im2col a few taps at a time: each of
 * the prod(kernel) shifted (and strided) views of the zero-padded input is Sliced out and contracted with g.
 * dW[m, c, k] = Σ_{n,o} G[n, m, o]·Xpad[n, c, o·s + k·d]. Each view is the input's size.
 */
export function filterGradientByMatMul(b: GraphBuilder, x: Value, g: Value, kernel: readonly number[], geo: ConvGeometry): Value {
  const [n, c, ...spatial] = x.shape;
  const [, m, ...out] = g.shape;
  const groups = geo.group;
  const k = spatial.length;
  const axes = spatial.map((_, i) => i + 2);
  const positions = n * out.reduce((a, d) => a * d, 1);
  const taps = kernel.reduce((a, d) => a * d, 1);
  // Channels first, batch second: each view [C, N, O…] is then a [groups, C/groups, N·O] matrix as it lies.
  let xt = b.op1('Transpose', [x], { perm: [1, 0, ...axes] });
  if (geo.pads.some((p) => p !== 0)) xt = b.op1('Pad', [xt, b.ints([0, 0, ...geo.pads.slice(0, k), 0, 0, ...geo.pads.slice(k)])]);
  // G [N, M, O…] → [M, N, O…] → [groups, M/groups, N·O] → [groups, N·O, M/groups]
  const gs = b.op1('Reshape', [b.op1('Transpose', [g], { perm: [1, 0, ...axes] }), b.ints([groups, m / groups, positions])]);
  const gt = b.op1('Transpose', [gs], { perm: [0, 2, 1] });
  const view = (t: number): Value => {
    // Kernel offset of tap t, last axis fastest (the filter's memory order).
    const offset = kernel.map((_, i) => Math.floor(t / kernel.slice(i + 1).reduce((a, d) => a * d, 1)) % kernel[i]);
    const starts = offset.map((o, i) => o * geo.dilations[i]);
    const ends = starts.map((s0, i) => s0 + geo.strides[i] * (out[i] - 1) + 1);
    const whole = starts.every((s0, i) => s0 === 0 && ends[i] === xt.shape[i + 2]) && geo.strides.every((s0) => s0 === 1);
    return whole ? xt : b.op1('Slice', [xt, b.ints(starts), b.ints(ends), b.ints(axes), b.ints([...geo.strides])]);
  };
  // Stacking all views into one im2col buffer costs ORT a Concat copy larger than the MatMul, so the views
  // are contracted a chunk at a time, each chunk just tall enough (MIN_MATMUL_ROWS) for an efficient MatMul.
  const chunk = Math.max(1, Math.ceil(MIN_MATMUL_ROWS / (c / groups)));
  const parts: Value[] = [];
  for (let t = 0; t < taps; t += chunk) {
    // Views are built next to the MatMul that consumes them: an executor following the node order then holds
    // one chunk of views at a time, not all taps.
    const some = [...Array(Math.min(chunk, taps - t)).keys()].map((i) => view(t + i));
    // [C, t·N, O…] is [groups, C/groups·t, N·O] in memory, rows in (c, tap) order.
    const cols = b.op1('Reshape', [some.length === 1 ? some[0] : b.op1('Concat', some, { axis: 1 }), b.ints([groups, (c / groups) * some.length, positions])]);
    parts.push(b.op1('Reshape', [b.op1('MatMul', [cols, gt]), b.ints([groups, c / groups, some.length, m / groups])]));
  }
  // [groups, C/groups, taps, M/groups] → [groups, M/groups, C/groups, taps] → [M, C/groups, kernel…]
  const dwt = parts.length === 1 ? parts[0] : b.op1('Concat', parts, { axis: 2 });
  return b.op1('Reshape', [b.op1('Transpose', [dwt], { perm: [0, 3, 1, 2] }), b.ints([m, c / groups, ...kernel])]);
}

/**
 * The input gradient of a stride-1 Conv as another Conv: a full correlation of g with the filter flipped
 * along every kernel axis and its in/out channels exchanged (per group), padded by d·(k−1) − p so the
 * result has the input's size. Null where that padding would be negative (p > d·(k−1)) or a stride is not 1,
 * where the caller keeps ConvTranspose. ORT's CPU Conv runs this faster than its ConvTranspose.
 */
export function inputGradientByConv(b: GraphBuilder, g: Value, w: Value, geo: ConvGeometry): Value | null {
  const [m, cg, ...kernel] = w.shape;
  const k = kernel.length;
  const reach = kernel.map((d, i) => geo.dilations[i] * (d - 1));
  const pads = geo.pads.map((p, i) => reach[i % k] - p);
  if (geo.strides.some((s) => s !== 1) || pads.some((p) => p < 0)) return null;
  const groups = geo.group;
  const axes = kernel.map((_, i) => i + 2);
  // W [M, C/G, k…] → [G, M/G, C/G, k…] → [G, C/G, M/G, k…] → [C, M/G, k…]
  let wf = b.op1('Reshape', [
    b.op1('Transpose', [b.op1('Reshape', [w, b.ints([groups, m / groups, cg, ...kernel])])], { perm: [0, 2, 1, ...axes.map((a) => a + 1)] }),
    b.ints([groups * cg, m / groups, ...kernel]),
  ]);
  kernel.forEach((_, i) => {
    wf = flipAxis(b, wf, i + 2);
  });
  return b.op1('Conv', [g, wf], { strides: geo.strides.map(() => 1), dilations: [...geo.dilations], pads, group: groups });
}

/** The bias gradient of Conv/ConvTranspose: g summed over batch and spatial axes. */
export function biasGradient(b: GraphBuilder, g: Value): Value {
  const axes = [0, ...[...Array(g.rank - 2).keys()].map((i) => i + 2)];
  return b.op1('ReduceSum', [g, b.ints(axes)], { keepdims: 0 });
}
