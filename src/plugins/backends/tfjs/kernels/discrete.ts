import * as tf from '@tensorflow/tfjs';
import { normalizeAxis } from '../../../../graph/shape-utils.ts';
import type { Kernel } from './kernel.ts';

/**
 * ArgMax / ArgMin. tfjs returns the first of equal extremes; select_last_index takes the first on the reversed
 * axis and maps it back (dim − 1 − i).
 */
function argExtremum(f: typeof tf.argMax): Kernel {
  return (c) => {
    const x = c.input(0);
    const axis = normalizeAxis(c.attrs.axis as number, x.rank);
    const last = c.attrs.select_last_index === 1;
    let i = f(last ? tf.reverse(x, axis) : x, axis);
    if (last) i = tf.sub(tf.scalar(x.shape[axis] - 1, 'int32'), i);
    return [tf.reshape(i, [...c.outputInfo(0).shape])];
  };
}

export const discreteKernels: Record<string, Kernel> = {
  Sign: (c) => [tf.sign(c.input(0))],
  Floor: (c) => [tf.floor(c.input(0))],
  Ceil: (c) => [tf.ceil(c.input(0))],
  // tf.round rounds halves to even, as ONNX Round does.
  Round: (c) => [tf.round(c.input(0))],
  ArgMax: argExtremum(tf.argMax),
  ArgMin: argExtremum(tf.argMin),
};
