import * as tf from '@tensorflow/tfjs';
import { resizeTaps, type ResizeModes } from '../../../../graph/ops/resize.ts';
import type { Kernel } from './kernel.ts';

/**
 * One axis of a resize as gathers: nearest picks one source index per output position; linear blends the two
 * neighbours of the clamped source coordinate (ORT's rule). Axes are independent, so N-linear is the
 * per-axis composition, computed with exact host-side index and weight tables.
 */
function resizeAxis(modes: ResizeModes, x: tf.Tensor, axis: number, outSize: number, scale: number): tf.Tensor {
  const { lo, hi, frac } = resizeTaps(modes, x.shape[axis], outSize, scale);
  const a = tf.gather(x, tf.tensor1d(lo, 'int32'), axis);
  if (modes.mode === 'nearest') return a;
  const wShape = x.shape.map((_, i) => (i === axis ? outSize : 1));
  const w = tf.tensor(frac, wShape, 'float32');
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
  const modes: ResizeModes = { mode: c.attrs.mode as string, coordinate_transformation_mode: c.attrs.coordinate_transformation_mode as string, nearest_mode: c.attrs.nearest_mode as string };
  for (let axis = 0; axis < inShape.length; axis++) {
    const scale = useScales ? scales[axis] : outShape[axis] / inShape[axis];
    if (scale === 1 && outShape[axis] === inShape[axis]) continue;
    y = resizeAxis(modes, y, axis, outShape[axis], scale);
  }
  return [y === c.input(0) ? y.clone() : y];
};

export const resizeKernels: Record<string, Kernel> = { Resize: resize };
