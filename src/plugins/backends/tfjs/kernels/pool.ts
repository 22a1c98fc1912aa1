import * as tf from '@tensorflow/tfjs';
import { resolveWindow } from '../../../../graph/ops/window.ts';
import { channelsFirst, channelsLast, dropLift, liftAxes, liftPads, liftTo2d, padOrCropSpatial, type AxisPads } from '../layout.ts';
import type { Kernel, KernelContext } from './kernel.ts';
import { cascadeMean } from './reduce.ts';
import { stridedSlice } from './strided-slice.ts';

/** A pooling window in channels-last terms ([N, spatial…, C], 1-D lifted to 2-D), input padded so exactly `out` windows fit. */
interface Pooled {
  readonly x: tf.Tensor;
  readonly spatialRank: number;
  readonly kernel: number[];
  readonly strides: number[];
  readonly dilations: number[];
  readonly out: number[];
  /** The declared pads and the input's spatial extent (for divisors and indices). */
  readonly pads: AxisPads;
  readonly size: number[];
}

/**
 * Pads the (float32) input with `fill` by the declared pads plus whatever ceil_mode needs at the end, so a
 * 'valid' pool yields exactly the ONNX output extent.
 */
function preparePool(c: KernelContext, fill: number): Pooled {
  const x0 = c.input(0);
  const spatialRank = x0.rank - 2;
  if (spatialRank < 1 || spatialRank > 3) c.fail(`${c.node.op} needs 1 to 3 spatial axes, got ${spatialRank}`);
  const win = resolveWindow(x0.shape.slice(2), c.attrs.kernel_shape as number[], c.attrs, c.attrs.ceil_mode === 1);
  // tfjs pools float32 only; other dtypes (uint8 images) are pooled as float32, which is exact, and cast back.
  const x = channelsLast(liftTo2d(x0.dtype === 'float32' ? x0 : tf.cast(x0, 'float32')));
  const [kernel, strides, dilations, out] = [liftAxes(win.kernel, 1), liftAxes(win.strides, 1), liftAxes(win.dilations, 1), liftAxes(win.out, 1)];
  const pads = liftPads(win.pads);
  const size = x.shape.slice(1, -1);
  const padded = padOrCropSpatial(
    x,
    pads.map(([b, e], i) => [b, e + Math.max(0, (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - (size[i] + b + e))]),
    fill,
  );
  return { x: padded, spatialRank, kernel, strides, dilations, out, pads, size };
}

/** Every kernel tap's offset, in row-major order. */
function taps(kernel: number[]): number[][] {
  return kernel.reduce<number[][]>((acc, k) => acc.flatMap((prefix) => Array.from({ length: k }, (_, i) => [...prefix, i])), [[]]);
}

/** One strided view [N, out…, C] per kernel tap, in row-major tap order. */
function windowViews(x: tf.Tensor, p: Pooled): tf.Tensor[] {
  return taps(p.kernel).map((tap) => {
    const begin = [0, ...tap.map((t, i) => t * p.dilations[i]), 0];
    const end = x.shape.map((d, j) => (j === 0 || j === x.rank - 1 ? d : begin[j] + (p.out[j - 1] - 1) * p.strides[j - 1] + 1));
    return stridedSlice(x, begin, end, [1, ...p.strides, 1]);
  });
}

/** tfjs's own valid mean pooling, 2-D or 3-D. */
function nativeAvgPool(p: Pooled): tf.Tensor {
  if (p.x.rank === 5) return tf.avgPool3d(p.x as tf.Tensor5D, p.kernel as [number, number, number], p.strides as [number, number, number], 'valid');
  return tf.avgPool(p.x as tf.Tensor4D, p.kernel as [number, number], p.strides as [number, number], 'valid');
}

/** Row-major strides of the unpadded spatial extent (column-major for storage_order 1: the last axis varies slowest). */
function flatStrides(size: number[], colMajor: boolean): number[] {
  const order = size.map((_, i) => i);
  if (colMajor) order.reverse();
  const out = new Array<number>(size.length);
  let acc = 1;
  for (let j = order.length - 1; j >= 0; j--) {
    out[order[j]] = acc;
    acc *= size[order[j]];
  }
  return out;
}

/**
 * MaxPool's optional Indices: flat positions in the unpadded [N, C, spatial…] input, first maximum in tap
 * order on ties, as ORT does.
 */
function maxIndices(c: KernelContext, p: Pooled, values: tf.Tensor[]): tf.Tensor {
  const padded = p.x.shape.slice(1, -1);
  const begin = p.pads.map(([b]) => b);
  const st = flatStrides(p.size, c.attrs.storage_order === 1);
  const grid = new Int32Array(padded.reduce((a, d) => a * d, 1)).fill(-1);
  taps(p.size).forEach((pos) => {
    let at = 0;
    for (let i = 0; i < pos.length; i++) at = at * padded[i] + pos[i] + begin[i];
    grid[at] = pos.reduce((a, v, i) => a + v * st[i], 0);
  });
  const idxViews = windowViews(tf.tensor(grid, [1, ...padded, 1], 'int32'), p);
  const shape = values[0].shape;
  let best = values[0];
  let idx = tf.broadcastTo(idxViews[0], shape);
  for (let k = 1; k < values.length; k++) {
    const better = tf.greater(values[k], best);
    best = tf.where(better, values[k], best);
    idx = tf.where(better, tf.broadcastTo(idxViews[k], shape), idx);
  }
  const [n, ch] = [shape[0], shape[shape.length - 1]];
  const area = p.size.reduce((a, d) => a * d, 1);
  const offsets = tf.mul(tf.range(0, n * ch, 1, 'int32').reshape([n, ...p.out.map(() => 1), ch]), area);
  return dropLift(channelsFirst(tf.add(idx, offsets)), p.spatialRank);
}

/**
 * MaxPool. Dilated windows, and 3-D windows, take the maximum over tap views: tfjs-backend-wasm 4.22's MaxPool3D
 * starts from FLT_MIN (the smallest positive float) instead of −∞, so an all-negative window returns 1.2e-38
 * (the ONNX test test_maxpool_3d_default catches it).
 */
const maxPool: Kernel = (c) => {
  const p = preparePool(c, -Infinity);
  const byViews = p.dilations.some((d) => d > 1) || p.x.rank === 5;
  const views = byViews || c.wantsOutput(1) ? windowViews(p.x, p) : [];
  const y = byViews ? views.reduce((a, b) => tf.maximum(a, b)) : tf.maxPool(p.x as tf.Tensor4D, p.kernel as [number, number], p.strides as [number, number], 'valid');
  const out = dropLift(channelsFirst(y), p.spatialRank);
  const dtype = c.input(0).dtype;
  return [dtype === 'float32' ? out : tf.cast(out, dtype), c.wantsOutput(1) ? maxIndices(c, p, views) : undefined];
};

/** How many window taps each output position counts, per axis: within the input, or also within the declared pads. */
function counts(p: Pooled, axis: number, includePad: boolean): number[] {
  const [b, e] = p.pads[axis];
  const [lo, hi] = includePad ? [0, p.size[axis] + b + e] : [b, b + p.size[axis]];
  return Array.from({ length: p.out[axis] }, (_, o) => {
    const start = o * p.strides[axis];
    return Math.max(0, Math.min(start + p.kernel[axis], hi) - Math.max(start, lo));
  });
}

/**
 * AveragePool = tfjs's valid mean over the zero-padded input, rescaled by area/count per output position. The
 * count excludes ceil_mode's extra end padding always and the declared pads unless count_include_pad = 1 (ORT).
 */
const averagePool: Kernel = (c) => {
  const p = preparePool(c, 0);
  const includePad = c.attrs.count_include_pad === 1;
  const area = p.kernel.reduce((a, k) => a * k, 1);
  const scale = c.cached(`${c.node.name}:scale:${JSON.stringify([p.out, p.size, p.pads, p.kernel, p.strides, includePad])}`, () => {
    const perAxis = p.out.map((_, i) => counts(p, i, includePad));
    const values = perAxis.reduce<number[]>((acc, cs) => acc.flatMap((a) => cs.map((n) => a * n)), [1]).map((n) => area / n);
    return tf.tensor(values, [1, ...p.out, 1], 'float32');
  });
  return [dropLift(channelsFirst(tf.mul(nativeAvgPool(p), scale)), p.spatialRank)];
};

/** The spatial axes [2, rank) of an [N, C, spatial…] input. */
const spatialAxes = (x: tf.Tensor) => x.shape.map((_, i) => i).slice(2);

export const poolKernels: Record<string, Kernel> = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  // A global mean over a large image is a long reduction: the cascaded sum keeps it at torch's accuracy.
  GlobalAveragePool: (c) => [cascadeMean(c.input(0), spatialAxes(c.input(0)), true)],
  GlobalMaxPool: (c) => [tf.max(c.input(0), spatialAxes(c.input(0)), true)],
};
