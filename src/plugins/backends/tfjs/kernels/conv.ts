import * as tf from '@tensorflow/tfjs';
import { convTransposeGeometry } from '../../../../graph/ops/conv.ts';
import { resolveWindow } from '../../../../graph/ops/window.ts';
import { channelsFirst, channelsLast, dropLift, filterHwio, lift2dPads, lift2dPairs, liftTo2d } from '../layout.ts';
import type { Kernel, KernelContext } from './kernel.ts';

type Pair = [number, number];

/** tfjs refuses a conv with both strides and dilations above 1, so such a conv runs at stride 1 and is subsampled. */
function conv2dOnce(x: tf.Tensor4D, f: tf.Tensor4D, strides: Pair, dilations: Pair, pads: [Pair, Pair], depthwise: boolean): tf.Tensor4D {
  const both = strides.some((s) => s > 1) && dilations.some((d) => d > 1);
  const s: Pair = both ? [1, 1] : strides;
  const pad: [Pair, Pair, Pair, Pair] = [[0, 0], pads[0], pads[1], [0, 0]];
  const y = depthwise ? tf.depthwiseConv2d(x, f, s, pad, 'NHWC', dilations) : tf.conv2d(x, f, s, pad, 'NHWC', dilations);
  return both ? (tf.stridedSlice(y, [0, 0, 0, 0], y.shape, [1, strides[0], strides[1], 1]) as tf.Tensor4D) : y;
}

/**
 * Grouped 2-D convolution in channels-last layout: x [N, H, W, C], filter [kh, kw, C/group, M] with output
 * channels grouped consecutively (ONNX's order). One group per input channel with a single input channel per
 * group is tfjs's depthwise conv (filter [kh, kw, C, M/C]); other groups are split, convolved and concatenated.
 */
function groupedConv2d(x: tf.Tensor4D, f: tf.Tensor4D, strides: Pair, dilations: Pair, pads: [Pair, Pair], group: number): tf.Tensor4D {
  if (group === 1) return conv2dOnce(x, f, strides, dilations, pads, false);
  const [kh, kw, cg, m] = f.shape;
  const c = x.shape[3];
  if (cg === 1 && group === c) return conv2dOnce(x, f.reshape([kh, kw, c, m / c]), strides, dilations, pads, true);
  const xs = tf.split(x, group, 3) as tf.Tensor4D[];
  const fs = tf.split(f, group, 3) as tf.Tensor4D[];
  return tf.concat(xs.map((xi, i) => conv2dOnce(xi, fs[i], strides, dilations, pads, false)), 3) as tf.Tensor4D;
}

function spatialRankOf(c: KernelContext): number {
  const k = c.input(0).rank - 2;
  if (k !== 1 && k !== 2) c.fail(`${c.node.op} with ${k} spatial axes has no tfjs kernel in tandem (1-D and 2-D are supported); use backend=onnxruntime`);
  return k;
}

function addBias(c: KernelContext, y: tf.Tensor4D): tf.Tensor4D {
  const b = c.optional(2);
  return b ? tf.add(y, b) : y;
}

const conv: Kernel = (c) => {
  const k = spatialRankOf(c);
  const [x, w] = [c.input(0), c.input(1)];
  const win = resolveWindow(x.shape.slice(2), w.shape.slice(2), c.attrs);
  const f = filterHwio(liftTo2d(w));
  const y = groupedConv2d(channelsLast(liftTo2d(x)), f, lift2dPairs(win.strides, 1), lift2dPairs(win.dilations, 1), lift2dPads(win.pads), c.attrs.group as number);
  return [dropLift(channelsFirst(addBias(c, y)), k)];
};

/** Inserts stride−1 zeros between neighbouring pixels: [N, H, W, C] → [N, (H−1)·sh+1, (W−1)·sw+1, C]. */
function zeroInsert(x: tf.Tensor4D, [sh, sw]: Pair): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, ch] = x.shape;
  const spread = tf.pad(x.reshape([n, h, 1, w, 1, ch]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return spread.reshape([n, h * sh, w * sw, ch]).slice([0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, ch]) as tf.Tensor4D;
}

/** Pads (positive) and crops (negative) the two spatial axes of [N, H, W, C]. */
function padOrCrop(x: tf.Tensor4D, [[t, b], [l, r]]: [Pair, Pair]): tf.Tensor4D {
  const grown = tf.pad(x, [[0, 0], [Math.max(t, 0), Math.max(b, 0)], [Math.max(l, 0), Math.max(r, 0)], [0, 0]]);
  const [n, h, w, ch] = grown.shape;
  const [ct, cb, cl, cr] = [t, b, l, r].map((p) => Math.max(-p, 0));
  return grown.slice([0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, ch]);
}

/**
 * ConvTranspose as the convolution it is the adjoint of: insert stride−1 zeros between input pixels, pad each
 * axis by dilation·(k−1) − pad (plus output_padding at the end; negative means crop), and convolve at stride 1
 * with the spatially flipped kernel whose in/out channels are swapped per group. This honours every ONNX
 * attribute (pads, output_padding, output_shape, dilations, groups), which tfjs's conv2dTranspose does not.
 */
const convTranspose: Kernel = (c) => {
  const k = spatialRankOf(c);
  const [x, w] = [c.input(0), c.input(1)];
  const kernel = w.shape.slice(2);
  const { pads } = convTransposeGeometry(x.shape.slice(2), kernel, c.attrs);
  const strides = lift2dPairs((c.attrs.strides as number[] | undefined) ?? kernel.map(() => 1), 1);
  const dilations = lift2dPairs((c.attrs.dilations as number[] | undefined) ?? kernel.map(() => 1), 1);
  const outPad = lift2dPairs((c.attrs.output_padding as number[] | undefined) ?? kernel.map(() => 0), 0);
  const [[pt, pb], [pl, pr]] = lift2dPads(pads);
  const [kh, kw] = lift2dPairs(kernel, 1);
  const span: Pair = [dilations[0] * (kh - 1), dilations[1] * (kw - 1)];
  const convPads: [Pair, Pair] = [
    [span[0] - pt, span[0] - pb + outPad[0]],
    [span[1] - pl, span[1] - pr + outPad[1]],
  ];
  const xs = padOrCrop(zeroInsert(channelsLast(liftTo2d(x)), strides), convPads);
  // W [C, M/group, kh, kw] → [kh, kw, C, M/group], flipped; then groups side by side: [kh, kw, C/group, M].
  const group = c.attrs.group as number;
  const flipped = tf.reverse(tf.transpose(liftTo2d(w), [2, 3, 0, 1]), [0, 1]) as tf.Tensor4D;
  const f = group === 1 ? flipped : (tf.concat(tf.split(flipped, group, 2), 3) as tf.Tensor4D);
  let y = groupedConv2d(xs, f, [1, 1], dilations, [[0, 0], [0, 0]], group);
  // An output_shape beyond the full extent is reached with zeros at the tail (before the bias), as ORT does.
  const want = lift2dPairs(c.outputInfo(0).shape.slice(2), 1);
  if (want[0] > y.shape[1] || want[1] > y.shape[2]) y = tf.pad(y, [[0, 0], [0, want[0] - y.shape[1]], [0, want[1] - y.shape[2]], [0, 0]]);
  return [dropLift(channelsFirst(addBias(c, y)), k)];
};

export const convKernels: Record<string, Kernel> = { Conv: conv, ConvTranspose: convTranspose };
