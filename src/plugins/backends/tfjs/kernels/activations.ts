import * as tf from '@tensorflow/tfjs';
import { withinXnnRank } from './elementwise.ts';
import type { Kernel } from './kernel.ts';

// Every kernel here is elementwise and computes with tf.mul/add, so each runs through withinXnnRank.
const unary = (f: (x: tf.Tensor, attr: (name: string) => number) => tf.Tensor): Kernel => (c) => [withinXnnRank(c, [c.input(0)], (x) => f(x, (name) => c.attrs[name] as number))];

/** x·(scale for x > 0, else scale·α·(exp(x·inputScale) − 1)): Elu, Selu and Celu in torch's parametrization. */
function expLinear(x: tf.Tensor, scale: number, alpha: number, inputScale: number): tf.Tensor {
  const negative = tf.mul(tf.expm1(tf.mul(x, inputScale)), scale * alpha);
  return tf.where(tf.greater(x, 0), tf.mul(x, scale), negative);
}

/** Clip = min(max(x, min), max) with tensor bounds (tf.clipByValue takes numbers only); min > max gives max. */
const clip: Kernel = (c) => {
  let y = c.input(0);
  const [lo, hi] = [c.optional(1), c.optional(2)];
  if (lo) y = tf.maximum(y, lo);
  if (hi) y = tf.minimum(y, hi);
  return [y === c.input(0) ? y.clone() : y];
};

/** PRelu: slope broadcasts to x, so both are broadcast to the output's static shape first (tf.prelu broadcasts only partly). */
const prelu: Kernel = (c) => {
  const slope = tf.broadcastTo(c.input(1), [...c.outputInfo(0).shape]);
  return [withinXnnRank(c, [c.input(0), slope], (x, a) => tf.where(tf.less(x, 0), tf.mul(x, a), x))];
};

export const activationKernels: Record<string, Kernel> = {
  Clip: clip,
  PRelu: prelu,
  HardSigmoid: unary((x, a) => tf.clipByValue(tf.add(tf.mul(x, a('alpha')), a('beta')), 0, 1)),
  HardSwish: unary((x) => tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1))),
  Elu: unary((x, a) => expLinear(x, 1, a('alpha'), 1)),
  Selu: unary((x, a) => expLinear(x, a('gamma'), a('alpha'), 1)),
  Celu: unary((x, a) => expLinear(x, 1, a('alpha'), 1 / a('alpha'))),
  Softsign: unary((x) => tf.div(x, tf.add(tf.abs(x), 1))),
  Mish: unary((x) => tf.mul(x, tf.tanh(tf.softplus(x)))),
};
