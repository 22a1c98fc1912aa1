import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelContext } from './kernel.ts';

/** Where output coordinate `o` samples the input axis, by ONNX coordinate_transformation_mode. */
function sourceCoordinate(mode: string, o: number, scale: number, inSize: number, outSize: number): number {
  switch (mode) {
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
    default: // asymmetric
      return o / scale;
  }
}

function nearestIndex(mode: string, x: number): number {
  switch (mode) {
    case 'round_prefer_ceil':
      return Math.floor(x + 0.5);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    default: // round_prefer_floor: halves go down
      return Math.ceil(x - 0.5);
  }
}

/**
 * One axis of a resize as gathers: nearest picks one source index per output position; linear blends the two
 * neighbours of the clamped source coordinate (ORT's rule). Axes are independent, so N-linear is the
 * per-axis composition, computed with exact host-side index and weight tables.
 */
function resizeAxis(c: KernelContext, x: tf.Tensor, axis: number, outSize: number, scale: number): tf.Tensor {
  const inSize = x.shape[axis];
  const coordMode = c.attrs.coordinate_transformation_mode as string;
  const coords = Array.from({ length: outSize }, (_, o) => sourceCoordinate(coordMode, o, scale, inSize, outSize));
  const clampIdx = (i: number): number => Math.min(Math.max(i, 0), inSize - 1);
  if (c.attrs.mode === 'nearest') {
    const idx = coords.map((v) => clampIdx(nearestIndex(c.attrs.nearest_mode as string, v)));
    return tf.gather(x, tf.tensor1d(idx, 'int32'), axis);
  }
  const lo: number[] = [];
  const hi: number[] = [];
  const frac: number[] = [];
  for (const v of coords) {
    const p = Math.min(Math.max(v, 0), inSize - 1);
    const i = Math.floor(p);
    lo.push(i);
    hi.push(Math.min(i + 1, inSize - 1));
    frac.push(p - i);
  }
  const wShape = x.shape.map((_, i) => (i === axis ? outSize : 1));
  const w = tf.tensor(frac, wShape, 'float32');
  const a = tf.gather(x, tf.tensor1d(lo, 'int32'), axis);
  const b = tf.gather(x, tf.tensor1d(hi, 'int32'), axis);
  return tf.add(a, tf.mul(tf.sub(b, a), w));
}

/** Resize (opset 13), nearest or (multi)linear, any rank; scales as given or out/in when sizes are given. */
const resize: Kernel = (c) => {
  let y = c.input(0);
  const inShape = y.shape;
  const outShape = c.outputInfo(0).shape;
  const scales = c.floats(2);
  const useScales = !!scales && scales.length > 0;
  for (let axis = 0; axis < inShape.length; axis++) {
    const scale = useScales ? scales[axis] : outShape[axis] / inShape[axis];
    if (scale === 1 && outShape[axis] === inShape[axis]) continue;
    y = resizeAxis(c, y, axis, outShape[axis], scale);
  }
  return [y === c.input(0) ? y.clone() : y];
};

export const resizeKernels: Record<string, Kernel> = { Resize: resize };
