import * as tf from '@tensorflow/tfjs';

/**
 * tf.stridedSlice, except that tfjs-backend-wasm 4.22 returns int32 data labelled float32 for a stride > 1 on
 * an int32 tensor (checked by the interpreter tests), so non-float tensors take slice + gather instead. Bool
 * tensors must come as int32 (the callers' `viaInt`), since wasm's bool Reverse reads out of bounds.
 */
export function stridedSlice(x: tf.Tensor, begin: number[], end: number[], strides: number[]): tf.Tensor {
  if (x.dtype === 'float32' || strides.every((s) => s === 1)) return tf.stridedSlice(x, begin, end, strides);
  let y = tf.slice(x, begin, end.map((e, i) => e - begin[i]));
  strides.forEach((s, axis) => {
    if (s > 1) y = tf.gather(y, tf.range(0, y.shape[axis], s, 'int32'), axis);
  });
  return y;
}
