import * as tf from '@tensorflow/tfjs';

/**
 * tf.stridedSlice, except that tfjs-backend-wasm 4.22 returns int32 data labelled float32 for a stride > 1 on
 * an int32 tensor (checked by the interpreter tests), so non-float tensors take slice + gather instead. Bool
 * tensors must come as int32 (the callers' `viaInt`), since wasm's bool Reverse reads out of bounds.
 * A unit-stride slice is taken on the fewest axes that describe it (contiguousSlice).
 */
export function stridedSlice(x: tf.Tensor, begin: number[], end: number[], strides: number[]): tf.Tensor {
  if (strides.every((s) => s === 1)) return contiguousSlice(x, begin, end);
  if (x.dtype === 'float32') return tf.stridedSlice(x, begin, end, strides);
  let y = tf.slice(x, begin, end.map((e, i) => e - begin[i]));
  strides.forEach((s, axis) => {
    if (s > 1) y = tf.gather(y, tf.range(0, y.shape[axis], s, 'int32'), axis);
  });
  return y;
}

/**
 * A unit-stride slice as tf.slice on a reshaped view where every axis taken whole is merged into the axis before it:
 * [16, 2, 16, 16, 8, 2] sliced on axis 1 is [16, 2, 4096] sliced on axis 1. tfjs-backend-wasm slices rank ≤ 4 in
 * its native kernel but anything higher element by element in JavaScript (measured: 270 ms vs 0.2 ms for that
 * slice, which the FNO's spectral weights take in every step).
 */
function contiguousSlice(x: tf.Tensor, begin: number[], end: number[]): tf.Tensor {
  const size = end.map((e, i) => e - begin[i]);
  const dims: number[] = [];
  const from: number[] = [];
  const take: number[] = [];
  for (let axis = x.rank - 1; axis >= 0; axis--) {
    const whole = dims.length > 0 && from[0] === 0 && take[0] === dims[0];
    if (whole) {
      // The group after this axis is whole: this axis merges into it.
      from[0] = begin[axis] * dims[0];
      take[0] = size[axis] * dims[0];
      dims[0] *= x.shape[axis];
    } else {
      dims.unshift(x.shape[axis]);
      from.unshift(begin[axis]);
      take.unshift(size[axis]);
    }
  }
  if (dims.length === x.rank) return tf.slice(x, begin, size);
  return tf.slice(x.reshape(dims), from, take).reshape(size);
}
