import * as tf from '@tensorflow/tfjs';
import type { Kernel } from './kernel.ts';

/**
 * Cast between tfjs's carriers (float32, int32, bool). float → int truncates toward zero as ONNX does (tfjs's
 * cast does the same on cpu and wasm, which the per-op test checks); anything → bool is `x != 0`.
 * int32 ↔ int64 ↔ uint8 are all int32 in tfjs, so those casts only relabel (int64 → uint8 does not wrap mod 256).
 */
const cast: Kernel = (c) => {
  const x = c.input(0);
  const to = c.outputInfo(0).dtype;
  if (to === 'bool') return [x.dtype === 'bool' ? x.clone() : tf.notEqual(x, tf.scalar(0, x.dtype))];
  const carrier = to === 'float32' ? 'float32' : 'int32';
  if (x.dtype === carrier) return [x.clone()];
  if (carrier === 'int32' && x.dtype === 'float32') return [tf.cast(tf.mul(tf.sign(x), tf.floor(tf.abs(x))), 'int32')];
  return [tf.cast(x, carrier)];
};

export const castKernels: Record<string, Kernel> = { Cast: cast };
