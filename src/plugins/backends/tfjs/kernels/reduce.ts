import * as tf from '@tensorflow/tfjs';
import { reductionAxes } from '../../../../graph/ops/reduce.ts';
import type { Kernel, KernelContext } from './kernel.ts';

/** Reductions over the ONNX axes (shared `reductionAxes`: none given means all, unless noop_with_empty_axes). */
function reduction(f: (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor, axesFrom: (c: KernelContext) => number[] | undefined): Kernel {
  return (c) => {
    const x = c.input(0);
    const axes = reductionAxes(x.rank, axesFrom(c), c.attrs.noop_with_empty_axes === 1);
    if (axes.length === 0) return [x.clone()];
    return [f(x, axes, c.attrs.keepdims === 1)];
  };
}

export const reduceKernels: Record<string, Kernel> = {
  ReduceSum: reduction(tf.sum, (c) => c.ints(1)),
  ReduceMean: reduction(tf.mean, (c) => c.attrs.axes as number[] | undefined),
  ReduceMax: reduction(tf.max, (c) => c.attrs.axes as number[] | undefined),
};
