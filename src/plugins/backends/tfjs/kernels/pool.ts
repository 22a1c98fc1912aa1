import * as tf from '@tensorflow/tfjs';
import { resolveWindow, type Window } from '../../../../graph/ops/window.ts';
import { channelsFirst, channelsLast, dropLift, lift2dPads, lift2dPairs, liftTo2d } from '../layout.ts';
import type { Kernel, KernelContext } from './kernel.ts';
import { stridedSlice } from './strided-slice.ts';

type Pair = [number, number];

/** A pooling window in 2-D channels-last terms, with the input already padded so exactly `out` windows fit. */
interface Pooled {
  readonly x: tf.Tensor4D;
  readonly spatialRank: number;
  readonly kernel: Pair;
  readonly strides: Pair;
  readonly dilations: Pair;
  readonly out: Pair;
  /** Begin pads and the input's spatial extent (for divisors and indices). */
  readonly begin: Pair;
  readonly size: Pair;
  readonly pads: [Pair, Pair];
}

/**
 * Pads the input with `fill` by the declared pads plus whatever ceil_mode needs at the end, so a 'valid' pool
 * yields exactly the ONNX output extent.
 */
function preparePool(c: KernelContext, fill: number): Pooled {
  const x0 = c.input(0);
  const spatialRank = x0.rank - 2;
  if (spatialRank !== 1 && spatialRank !== 2) c.fail(`${c.node.op} with ${spatialRank} spatial axes has no tfjs kernel in tandem (1-D and 2-D are supported)`);
  const win: Window = resolveWindow(x0.shape.slice(2), c.attrs.kernel_shape as number[], c.attrs, c.attrs.ceil_mode === 1);
  const x = channelsLast(liftTo2d(x0.dtype === 'float32' ? x0 : tf.cast(x0, 'float32')));
  const kernel = lift2dPairs(win.kernel, 1);
  const strides = lift2dPairs(win.strides, 1);
  const dilations = lift2dPairs(win.dilations, 1);
  const out = lift2dPairs(win.out, 1);
  const pads = lift2dPads(win.pads);
  const size: Pair = [x.shape[1], x.shape[2]];
  const extra = [0, 1].map((i) => Math.max(0, (out[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - (size[i] + pads[i][0] + pads[i][1])));
  const padded = tf.pad(x, [[0, 0], [pads[0][0], pads[0][1] + extra[0]], [pads[1][0], pads[1][1] + extra[1]], [0, 0]], fill);
  return { x: padded, spatialRank, kernel, strides, dilations, out, begin: [pads[0][0], pads[1][0]], size, pads };
}

/** One strided view per kernel offset, in row-major offset order: [N, outH, outW, C] each. */
function windowViews(x: tf.Tensor4D, p: Pooled): tf.Tensor4D[] {
  const views: tf.Tensor4D[] = [];
  for (let i = 0; i < p.kernel[0]; i++) {
    for (let j = 0; j < p.kernel[1]; j++) {
      const b = [0, i * p.dilations[0], j * p.dilations[1], 0];
      const e = [x.shape[0], b[1] + (p.out[0] - 1) * p.strides[0] + 1, b[2] + (p.out[1] - 1) * p.strides[1] + 1, x.shape[3]];
      views.push(stridedSlice(x, b, e, [1, p.strides[0], p.strides[1], 1]) as tf.Tensor4D);
    }
  }
  return views;
}

/**
 * MaxPool's optional Indices: flat positions in the unpadded [N, C, H, W] input (storage_order 1: column-major
 * within each image), first maximum in window order on ties, as ORT does.
 */
function maxIndices(c: KernelContext, p: Pooled, values: tf.Tensor4D[]): tf.Tensor {
  const [h, w] = p.size;
  const [hp, wp] = [p.x.shape[1], p.x.shape[2]];
  const colMajor = c.attrs.storage_order === 1;
  const grid = new Int32Array(hp * wp).fill(-1);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) grid[(i + p.begin[0]) * wp + j + p.begin[1]] = colMajor ? j * h + i : i * w + j;
  const idxViews = windowViews(tf.tensor4d(grid, [1, hp, wp, 1]), p);
  const shape = values[0].shape;
  let best = values[0];
  let idx = tf.broadcastTo(idxViews[0], shape);
  for (let k = 1; k < values.length; k++) {
    const better = tf.greater(values[k], best);
    best = tf.where(better, values[k], best);
    idx = tf.where(better, tf.broadcastTo(idxViews[k], shape), idx);
  }
  const [n, , , ch] = shape;
  const offsets = tf.mul(tf.range(0, n * ch, 1, 'int32').reshape([n, 1, 1, ch]), h * w);
  return dropLift(channelsFirst(tf.add(idx, offsets) as tf.Tensor4D), p.spatialRank);
}

/** tfjs pools float32 only; uint8 images are pooled as float32 (exact) and the interpreter converts back. */
const maxPool: Kernel = (c) => {
  const p = preparePool(c, -Infinity);
  const dilated = p.dilations.some((d) => d > 1);
  const views = dilated || c.wantsOutput(1) ? windowViews(p.x, p) : [];
  const y = dilated ? views.reduce((a, b) => tf.maximum(a, b)) : tf.maxPool(p.x, p.kernel, p.strides, 'valid');
  const out = dropLift(channelsFirst(y), p.spatialRank);
  return [c.input(0).dtype === 'float32' ? out : tf.cast(out, c.input(0).dtype), c.wantsOutput(1) ? maxIndices(c, p, views) : undefined];
};

/** How many window taps each output position counts, per axis: within the input, or also within the declared pads. */
function counts(p: Pooled, axis: 0 | 1, includePad: boolean): number[] {
  const [lo, hi] = includePad ? [0, p.size[axis] + p.pads[axis][0] + p.pads[axis][1]] : [p.begin[axis], p.begin[axis] + p.size[axis]];
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
  const area = p.kernel[0] * p.kernel[1];
  const scale = c.cached(`${c.node.name}:scale:${JSON.stringify([p.out, p.size, p.pads, p.kernel, p.strides, includePad])}`, () => {
    const [ch, cw] = [counts(p, 0, includePad), counts(p, 1, includePad)];
    return tf.tensor4d(ch.flatMap((a) => cw.map((b) => area / (a * b))), [1, p.out[0], p.out[1], 1]);
  });
  const y = tf.mul(tf.avgPool(p.x, p.kernel, p.strides, 'valid'), scale) as tf.Tensor4D;
  return [dropLift(channelsFirst(y), p.spatialRank)];
};

export const poolKernels: Record<string, Kernel> = { MaxPool: maxPool, AveragePool: averagePool };
