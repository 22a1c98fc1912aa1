import * as tf from '@tensorflow/tfjs';
import { sliceAxes } from '../../../../graph/ops/indexing.ts';
import { normalizeAxis } from '../../../../graph/shape-utils.ts';
import type { Kernel } from './kernel.ts';
import { stridedSlice } from './strided-slice.ts';

/** wasm's bool Reverse reads out of bounds, so bool values take an int32 detour through every data-moving kernel here. */
function viaInt<T extends tf.Tensor>(x: T, f: (x: T) => tf.Tensor): tf.Tensor {
  return x.dtype === 'bool' ? tf.cast(f(tf.cast(x, 'int32') as T), 'bool') : f(x);
}

/**
 * Slice with the ONNX clamping rules of the shared `sliceAxes`. Negative steps become positive ones on a
 * reversed axis (index i of the axis is index dim−1−i of the reversal), so one strided slice does the rest.
 */
const slice: Kernel = (c) => {
  const x = c.input(0);
  const axes = sliceAxes(x.shape, c.ints(1)!, c.ints(2)!, c.ints(3), c.ints(4));
  const outShape = [...c.outputInfo(0).shape];
  if (outShape.includes(0)) return [tf.zeros(outShape, x.dtype)];
  const reversed = axes.filter((a) => a.step < 0).map((a) => a.axis);
  const src = reversed.length ? viaInt(x, (v) => tf.reverse(v, reversed)) : x;
  const begin = x.shape.map(() => 0);
  const end = [...x.shape];
  const strides = x.shape.map(() => 1);
  for (const { axis, start, step, length } of axes) {
    const [s, st] = step < 0 ? [x.shape[axis] - 1 - start, -step] : [start, step];
    begin[axis] = s;
    end[axis] = s + (length - 1) * st + 1;
    strides[axis] = st;
  }
  return [viaInt(src, (v) => stridedSlice(v, begin, end, strides))];
};

/** Gather with ONNX's negative indices (counted from the end of the axis); indices of any rank. */
const gather: Kernel = (c) => {
  const x = c.input(0);
  const axis = normalizeAxis(c.attrs.axis as number, x.rank);
  const dim = x.shape[axis];
  const raw = c.input(1).flatten();
  const idx = tf.where(tf.less(raw, 0), tf.add(raw, tf.scalar(dim, 'int32')), raw);
  return [viaInt(x, (v) => tf.gather(v, idx, axis)).reshape([...c.outputInfo(0).shape])];
};

/** Source index of each output position along one axis of size `dim` padded by (begin, end) in `mode`. */
function padIndex(dim: number, begin: number, end: number, mode: string): number[] {
  return Array.from({ length: dim + begin + end }, (_, j) => {
    const i = j - begin;
    if (mode === 'edge') return Math.min(Math.max(i, 0), dim - 1);
    return i < 0 ? -i : i >= dim ? 2 * (dim - 1) - i : i;
  });
}

/**
 * Pad (opset 13). constant: tfjs pad for the growth, then a slice for negative pads (which crop). reflect and
 * edge: a gather per padded axis with the source index of every output position, which also crops.
 */
const pad: Kernel = (c) => {
  const x = c.input(0);
  const r = x.rank;
  const pads = c.ints(1)!;
  const mode = c.attrs.mode as string;
  if (mode === 'constant') {
    const value = c.floats(2)?.[0] ?? 0;
    const grown = viaInt(x, (v) => tf.pad(v, x.shape.map((_, i) => [Math.max(pads[i], 0), Math.max(pads[i + r], 0)] as [number, number]), value));
    const begin = x.shape.map((_, i) => Math.max(-pads[i], 0));
    return [grown.slice(begin, [...c.outputInfo(0).shape])];
  }
  let y = x;
  for (let i = 0; i < r; i++) {
    if (pads[i] === 0 && pads[i + r] === 0) continue;
    const idx = tf.tensor1d(padIndex(x.shape[i], pads[i], pads[i + r], mode), 'int32');
    y = viaInt(y, (v) => tf.gather(v, idx, i));
  }
  return [y === x ? x.clone() : y];
};

export const indexingKernels: Record<string, Kernel> = { Slice: slice, Gather: gather, Pad: pad };
