import * as tf from '@tensorflow/tfjs';
import { normalizeAxis } from '../../../../graph/shape-utils.ts';
import type { Kernel } from './kernel.ts';

/** Softmax along any axis (tfjs's softmax only takes the last), max-shifted like every stable implementation. */
const softmax: Kernel = (c) => {
  const x = c.input(0);
  const axis = normalizeAxis(c.attrs.axis as number, x.rank);
  const e = tf.exp(tf.sub(x, tf.max(x, axis, true)));
  return [tf.div(e, tf.sum(e, axis, true))];
};

/**
 * LayerNormalization (opset 17) over axes [axis, rank): Y = (x − mean)·invStd·scale + B with the biased
 * variance, plus the optional Mean and InvStdDev outputs (leading axes kept, normalized axes of size 1).
 */
const layerNormalization: Kernel = (c) => {
  const x = c.input(0);
  const axis = normalizeAxis(c.attrs.axis as number, x.rank);
  const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
  const mean = tf.mean(x, axes, true);
  const centred = tf.sub(x, mean);
  const invStd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), axes, true), c.attrs.epsilon as number));
  let y = tf.mul(tf.mul(centred, invStd), c.input(1));
  const b = c.optional(2);
  if (b) y = tf.add(y, b);
  return [y, c.wantsOutput(1) ? mean : undefined, c.wantsOutput(2) ? invStd : undefined];
};

export const normalizationKernels: Record<string, Kernel> = { Softmax: softmax, LayerNormalization: layerNormalization };
