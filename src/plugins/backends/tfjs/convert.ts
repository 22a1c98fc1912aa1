import * as tf from '@tensorflow/tfjs';
import type { DType } from '../../../graph/dtype.ts';
import type { Tensor } from '../../../graph/tensor.ts';

/**
 * The boundary between tandem tensors and tfjs tensors. tfjs carries float32, int32 and bool only, so:
 *   - int64 travels as int32 (values outside ±2^31 are refused, never wrapped) and comes back as int64;
 *   - uint8 travels as int32 and comes back as uint8;
 *   - float64 has no tfjs form at all and is refused (the interpreter refuses float64 graphs up front).
 */
export const TF_DTYPE: Record<Exclude<DType, 'float64'>, tf.DataType> = {
  float32: 'float32',
  int32: 'int32',
  int64: 'int32',
  uint8: 'int32',
  bool: 'bool',
};

export function float64Refusal(where: string): Error {
  return new Error(
    `${where} is float64, but TensorFlow.js has no float64 type. Use dtype float32 with backend=tfjs, or run float64 on backend=onnxruntime (or the torch reference).`,
  );
}

/** A tandem tensor as a new tfjs tensor (the caller owns and disposes it). `where` names it in errors. */
export function toTf(t: Tensor, where: string): tf.Tensor {
  const shape = [...t.shape];
  switch (t.dtype) {
    case 'float64':
      throw float64Refusal(where);
    case 'float32':
      return tf.tensor(t.data as Float32Array, shape, 'float32');
    case 'int32':
      return tf.tensor(t.data as Int32Array, shape, 'int32');
    case 'bool':
      return tf.tensor(t.data as Uint8Array, shape, 'bool');
    case 'uint8':
      return tf.tensor(Int32Array.from(t.data as Uint8Array), shape, 'int32');
    case 'int64': {
      const src = t.data as BigInt64Array;
      const out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        if (v > 2147483647n || v < -2147483648n) {
          throw new Error(`${where} holds int64 value ${v} at flat index ${i}, outside tfjs's int32 range; tfjs has no int64, so such values cannot be represented exactly`);
        }
        out[i] = Number(v);
      }
      return tf.tensor(out, shape, 'int32');
    }
  }
}

/** A tfjs tensor's values as a tandem tensor of `dtype` (the graph's declared type of that value). */
export function fromTf(t: tf.Tensor, dtype: DType, where: string): Tensor {
  const shape = [...t.shape];
  const raw = t.dataSync();
  switch (dtype) {
    case 'float64':
      throw float64Refusal(where);
    case 'float32':
      return { dtype, shape, data: raw instanceof Float32Array ? raw.slice() : Float32Array.from(raw as ArrayLike<number>) };
    case 'int32':
      return { dtype, shape, data: Int32Array.from(raw as ArrayLike<number>) };
    case 'int64':
      return { dtype, shape, data: BigInt64Array.from(raw as ArrayLike<number>, (v) => BigInt(Math.trunc(v))) };
    case 'bool':
    case 'uint8':
      return { dtype, shape, data: Uint8Array.from(raw as ArrayLike<number>) };
  }
}
