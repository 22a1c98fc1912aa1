import * as tf from '@tensorflow/tfjs';
import { sameShape } from '../../../../graph/shape-utils.ts';

/**
 * tf.broadcastTo without its cost on wasm: a tensor already of that shape is returned as is, and a numeric one is
 * broadcast by the native binary kernel as ones·t (exact for every float, −0, ±∞ and NaN included). tfjs-wasm's
 * broadcastTo tiles in JavaScript: a rank-0 zero to [16, 16, 64] (the ReLU gradient's Where) took 0.9 ms, ones·t
 * 0.1 ms. Bool values keep broadcastTo (they have no multiplication), and so do shapes above rank 6, where
 * wasm's XNNPACK multiplication fails (elementwise.ts, withinXnnRank).
 */
export function broadcastTo(t: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (sameShape(t.shape, shape)) return t;
  if (t.dtype === 'bool' || shape.length > 6) return tf.broadcastTo(t, [...shape]);
  return tf.mul(tf.ones([...shape], t.dtype), t);
}
