import * as tf from '@tensorflow/tfjs';
import { reductionAxes } from '../../../../graph/ops/reduce.ts';
import type { Kernel, KernelContext } from './kernel.ts';

/**
 * tfjs-backend-wasm adds a reduced extent up sequentially in a float32 accumulator, so its relative error grows
 * with the extent: a mean of 65k squared errors is off from float64 by ~1e-5, of 4M by ~3e-3, where torch's
 * cascade summation stays near 1e-7. Reductions longer than CASCADE_ABOVE values are therefore summed in blocks
 * of SUM_BLOCK, the block sums again in blocks, and so on (a cascade like torch's): each level's error is that
 * of a 16-value sum (~1 ULP) and the levels below the top average out, which keeps 4M values within ~1e-7.
 * Short reductions take tfjs's own kernel unchanged: their error is already a few ULP. Blocks of 16 are also
 * the fastest measured (4M values: 1.7 ms, against 3.6 ms for tf.mean and 3.7 ms for blocks of 1024).
 */
export const CASCADE_ABOVE = 256;
const SUM_BLOCK = 16;

/** Reductions over the ONNX axes (shared `reductionAxes`: none given means all, unless noop_with_empty_axes). */
function reduction(f: (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor, axesFrom: (c: KernelContext) => number[] | undefined): Kernel {
  return (c) => {
    const x = c.input(0);
    const axes = reductionAxes(x.rank, axesFrom(c), c.attrs.noop_with_empty_axes === 1);
    if (axes.length === 0) return [x.clone()];
    return [f(x, axes, c.attrs.keepdims === 1)];
  };
}

const extentOf = (x: tf.Tensor, axes: readonly number[]) => axes.reduce((n, a) => n * x.shape[a], 1);

/** tf.sum, in cascaded blocks when the reduced extent exceeds CASCADE_ABOVE float32 values. */
function cascadeSum(x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
  const extent = extentOf(x, axes);
  if (extent <= CASCADE_ABOVE || x.dtype !== 'float32') return tf.sum(x, axes, keepDims);
  const reduced = [...axes].sort((a, b) => a - b);
  const kept = x.shape.map((_, a) => a).filter((a) => !reduced.includes(a));
  const outer = kept.reduce((n, a) => n * x.shape[a], 1);
  // The reduced values of each output element side by side in one row (tf.sum transposes the same way).
  const perm = [...kept, ...reduced];
  let rows = (perm.every((p, i) => p === i) ? x : tf.transpose(x, perm)).reshape([outer, extent]);
  while (rows.shape[1]! > SUM_BLOCK) {
    const n = rows.shape[1]!;
    const blocks = Math.ceil(n / SUM_BLOCK);
    // Zeros complete the last block: they change no sum.
    const padded = blocks * SUM_BLOCK === n ? rows : tf.pad(rows, [[0, 0], [0, blocks * SUM_BLOCK - n]]);
    rows = tf.sum(padded.reshape([outer, blocks, SUM_BLOCK]), 2);
  }
  const shape = keepDims ? x.shape.map((d, a) => (reduced.includes(a) ? 1 : d)) : kept.map((a) => x.shape[a]);
  return tf.sum(rows, 1).reshape(shape);
}

/** tf.mean, from the cascaded sum when the reduced extent is long (the sum divided by the count, as torch does). */
export function cascadeMean(x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
  const extent = extentOf(x, axes);
  if (extent <= CASCADE_ABOVE || x.dtype !== 'float32') return tf.mean(x, axes, keepDims);
  return tf.div(cascadeSum(x, axes, keepDims), tf.scalar(extent, 'float32'));
}

export const reduceKernels: Record<string, Kernel> = {
  ReduceSum: reduction(cascadeSum, (c) => c.ints(1)),
  ReduceMean: reduction(cascadeMean, (c) => c.attrs.axes as number[] | undefined),
  ReduceMax: reduction(tf.max, (c) => c.attrs.axes as number[] | undefined),
};
