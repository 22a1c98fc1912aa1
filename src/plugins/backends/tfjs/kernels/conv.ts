import * as tf from '@tensorflow/tfjs';
import { convTransposeGeometry } from '../../../../graph/ops/conv.ts';
import { resolveWindow } from '../../../../graph/ops/window.ts';
import { channelsFirst, channelsLast, dropLift, filterChannelsLast, liftAxes, liftPads, liftTo2d, padOrCropSpatial, type AxisPads } from '../layout.ts';
import type { Kernel, KernelContext } from './kernel.ts';

/**
 * One tfjs convolution, channels-last, unpadded (callers pad): conv2d, depthwise conv2d or conv3d by rank.
 * tfjs refuses strides and dilations both above 1, so such a conv runs at stride 1 and is subsampled.
 */
function convOnce(x: tf.Tensor, f: tf.Tensor, strides: number[], dilations: number[], depthwise: boolean): tf.Tensor {
  const both = strides.some((s) => s > 1) && dilations.some((d) => d > 1);
  const s = both ? strides.map(() => 1) : strides;
  let y: tf.Tensor;
  if (x.rank === 5) {
    y = tf.conv3d(x as tf.Tensor5D, f as tf.Tensor5D, s as [number, number, number], 'valid', 'NDHWC', dilations as [number, number, number]);
  } else {
    const [s2, d2] = [s as [number, number], dilations as [number, number]];
    y = depthwise ? tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, s2, 'valid', 'NHWC', d2) : tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s2, 'valid', 'NHWC', d2);
  }
  return both ? tf.stridedSlice(y, y.shape.map(() => 0), y.shape, [1, ...strides, 1]) : y;
}

/**
 * Grouped convolution in channels-last layout: x [N, spatial…, C], filter [kernel…, C/group, M] with output
 * channels grouped consecutively (ONNX's order). A 2-D conv with one input channel per group is tfjs's
 * depthwise conv (filter [kh, kw, C, M/C]); other groups are split, convolved and concatenated.
 */
function groupedConv(x: tf.Tensor, f: tf.Tensor, strides: number[], dilations: number[], group: number): tf.Tensor {
  if (group === 1) return convOnce(x, f, strides, dilations, false);
  const c = x.shape[x.rank - 1];
  const [cg, m] = f.shape.slice(-2);
  if (x.rank === 4 && cg === 1 && group === c) return convOnce(x, f.reshape([...f.shape.slice(0, 2), c, m / c]), strides, dilations, true);
  const xs = tf.split(x, group, x.rank - 1);
  const fs = tf.split(f, group, f.rank - 1);
  return tf.concat(xs.map((xi, i) => convOnce(xi, fs[i], strides, dilations, false)), x.rank - 1);
}

function spatialRankOf(c: KernelContext): number {
  const k = c.input(0).rank - 2;
  if (k < 1 || k > 3) c.fail(`${c.node.op} needs 1 to 3 spatial axes, got ${k}`);
  return k;
}

function addBias(c: KernelContext, y: tf.Tensor): tf.Tensor {
  const b = c.optional(2);
  return b ? tf.add(y, b) : y;
}

const conv: Kernel = (c) => {
  const k = spatialRankOf(c);
  const [x, w] = [c.input(0), c.input(1)];
  const win = resolveWindow(x.shape.slice(2), w.shape.slice(2), c.attrs);
  const xs = padOrCropSpatial(channelsLast(liftTo2d(x)), liftPads(win.pads));
  const y = groupedConv(xs, filterChannelsLast(liftTo2d(w)), liftAxes(win.strides, 1), liftAxes(win.dilations, 1), c.attrs.group as number);
  return [dropLift(channelsFirst(addBias(c, y)), k)];
};

/** Inserts stride−1 zeros between neighbouring samples of every spatial axis of [N, spatial…, C]. */
function zeroInsert(x: tf.Tensor, strides: number[]): tf.Tensor {
  let y = x;
  strides.forEach((s, i) => {
    if (s === 1) return;
    const axis = i + 1;
    const d = y.shape[axis];
    const unit = y.expandDims(axis + 1);
    const spread = tf.pad(unit, unit.shape.map((_, j) => (j === axis + 1 ? [0, s - 1] : [0, 0]) as [number, number]));
    const merged = spread.reshape([...y.shape.slice(0, axis), d * s, ...y.shape.slice(axis + 1)]);
    y = merged.slice(merged.shape.map(() => 0), merged.shape.map((n, j) => (j === axis ? (d - 1) * s + 1 : n)));
  });
  return y;
}

/**
 * ConvTranspose as the convolution it is the adjoint of: insert stride−1 zeros between input samples, pad each
 * axis by dilation·(k−1) − pad (plus output_padding at the end; negative means crop), and convolve at stride 1
 * with the spatially flipped kernel whose in/out channels are swapped per group. This honours every ONNX
 * attribute (pads, output_padding, output_shape, dilations, groups), which tfjs's conv2dTranspose does not.
 */
const convTranspose: Kernel = (c) => {
  const k = spatialRankOf(c);
  const [x, w] = [c.input(0), c.input(1)];
  const kernel = w.shape.slice(2);
  const { pads } = convTransposeGeometry(x.shape.slice(2), kernel, c.attrs);
  const ones = kernel.map(() => 1);
  const strides = liftAxes((c.attrs.strides as number[] | undefined) ?? ones, 1);
  const dilations = liftAxes((c.attrs.dilations as number[] | undefined) ?? ones, 1);
  const outPad = liftAxes((c.attrs.output_padding as number[] | undefined) ?? kernel.map(() => 0), 0);
  const span = liftAxes(kernel, 1).map((kk, i) => dilations[i] * (kk - 1));
  const convPads: AxisPads = liftPads(pads).map(([b, e], i) => [span[i] - b, span[i] - e + outPad[i]]);
  const xs = padOrCropSpatial(zeroInsert(channelsLast(liftTo2d(x)), strides), convPads);
  // W [C, M/group, kernel…] → [kernel…, C, M/group], flipped; then groups side by side: [kernel…, C/group, M].
  const group = c.attrs.group as number;
  const w2 = liftTo2d(w);
  const spatialAxes = Array.from({ length: w2.rank - 2 }, (_, i) => i);
  const flipped = tf.reverse(tf.transpose(w2, [...spatialAxes.map((a) => a + 2), 0, 1]), spatialAxes);
  const f = group === 1 ? flipped : tf.concat(tf.split(flipped, group, flipped.rank - 2), flipped.rank - 1);
  let y = groupedConv(xs, f, strides.map(() => 1), dilations, group);
  // An output_shape beyond the full extent is reached with zeros at the tail (before the bias), as ORT does.
  const want = liftAxes(c.outputInfo(0).shape.slice(2), 1);
  if (want.some((n, i) => n > y.shape[i + 1])) y = padOrCropSpatial(y, want.map((n, i) => [0, n - y.shape[i + 1]]));
  return [dropLift(channelsFirst(addBias(c, y)), k)];
};

export const convKernels: Record<string, Kernel> = { Conv: conv, ConvTranspose: convTranspose };
