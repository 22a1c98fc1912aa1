import * as tf from '@tensorflow/tfjs';
import { normalizeAxis } from '../../../../graph/shape-utils.ts';
import type { Kernel } from './kernel.ts';

/**
 * Shape ops. tandem graphs have static shapes, so Reshape, Squeeze and Unsqueeze are all a reshape to the
 * node's inferred output shape, and Expand a broadcast to it: the ONNX rules (0 copies a dim, -1 infers one,
 * negative axes) were already applied by shape inference.
 */
const toOutputShape: Kernel = (c) => [tf.reshape(c.input(0), [...c.outputInfo(0).shape])];

const expand: Kernel = (c) => [tf.broadcastTo(c.input(0), [...c.outputInfo(0).shape])];

const transpose: Kernel = (c) => {
  const x = c.input(0);
  const perm = (c.attrs.perm as number[] | undefined) ?? [...Array(x.rank).keys()].reverse();
  return [tf.transpose(x, perm)];
};

const concat: Kernel = (c) => {
  const xs = c.node.inputs.map((_, k) => c.input(k));
  const axis = normalizeAxis(c.attrs.axis as number, xs[0].rank);
  return [xs.length === 1 ? xs[0].clone() : tf.concat(xs, axis)];
};

export const shapeKernels: Record<string, Kernel> = {
  Reshape: toOutputShape,
  Squeeze: toOutputShape,
  Unsqueeze: toOutputShape,
  Expand: expand,
  Transpose: transpose,
  Concat: concat,
};
