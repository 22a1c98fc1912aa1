import * as tf from '@tensorflow/tfjs';
import { normalizeAxis } from '../../../../graph/shape-utils.ts';
import type { Kernel } from './kernel.ts';
import { cascadeMean } from './reduce.ts';

/** Softmax along any axis (tfjs's softmax only takes the last), max-shifted like every stable implementation. */
const softmax: Kernel = (c) => {
  const x = c.input(0);
  const axis = normalizeAxis(c.attrs.axis as number, x.rank);
  const e = tf.exp(tf.sub(x, tf.max(x, axis, true)));
  return [tf.div(e, tf.sum(e, axis, true))];
};

/**
 * LayerNormalization (opset 17) over axes [axis, rank): Y = (x − mean)·invStd·scale + B with the biased
 * variance, plus the optional Mean and InvStdDev outputs (leading axes kept, normalized axes of size 1).
 */
const layerNormalization: Kernel = (c) => {
  const x = c.input(0);
  const axis = normalizeAxis(c.attrs.axis as number, x.rank);
  const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
  const mean = tf.mean(x, axes, true);
  const centred = tf.sub(x, mean);
  const invStd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), axes, true), c.attrs.epsilon as number));
  let y = tf.mul(tf.mul(centred, invStd), c.input(1));
  const b = c.optional(2);
  if (b) y = tf.add(y, b);
  return [y, c.wantsOutput(1) ? mean : undefined, c.wantsOutput(2) ? invStd : undefined];
};

/** A per-channel [C] input as [C, 1, …], broadcasting along axis 1 of a rank-`rank` input. */
const alongChannels = (p: tf.Tensor, rank: number) => p.reshape([p.shape[0], ...new Array<number>(rank - 2).fill(1)]);

/**
 * BatchNormalization. Inference: Y = (X − mean)·(var + ε)^−½·scale + B with the given statistics. Training
 * (training_mode = 1): the batch's mean and biased variance normalize, and the running statistics move towards
 * the batch's with the UNBIASED variance, as torch does (graph/ops/normalization.ts).
 */
const batchNormalization: Kernel = (c) => {
  const x = c.input(0);
  const [scale, b, inputMean, inputVar] = [1, 2, 3, 4].map((k) => alongChannels(c.input(k), x.rank));
  const eps = c.attrs.epsilon as number;
  const normalize = (mean: tf.Tensor, variance: tf.Tensor) => tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), scale), b);
  if (c.attrs.training_mode !== 1) return [normalize(inputMean, inputVar)];
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const mean = cascadeMean(x, axes, true);
  const variance = cascadeMean(tf.square(tf.sub(x, mean)), axes, true);
  const channels = [x.shape[1]!];
  const n = x.size / channels[0];
  const m = c.attrs.momentum as number;
  const running = (old: number, batch: tf.Tensor, factor: number) => tf.add(tf.mul(c.input(old), m), tf.mul(batch.reshape(channels), (1 - m) * factor));
  return [normalize(mean, variance), c.wantsOutput(1) ? running(3, mean, 1) : undefined, c.wantsOutput(2) ? running(4, variance, n / (n - 1)) : undefined];
};

/** InstanceNormalization: each (sample, channel) over its spatial axes with the biased variance, then scale and B per channel. */
const instanceNormalization: Kernel = (c) => {
  const x = c.input(0);
  const axes = x.shape.map((_, i) => i).slice(2);
  const centred = tf.sub(x, cascadeMean(x, axes, true));
  const invStd = tf.rsqrt(tf.add(cascadeMean(tf.square(centred), axes, true), c.attrs.epsilon as number));
  return [tf.add(tf.mul(tf.mul(centred, invStd), alongChannels(c.input(1), x.rank)), alongChannels(c.input(2), x.rank))];
};

/** GroupNormalization (opset 18): each (sample, group) over its channels and spatial axes, then scale and bias per group. */
const groupNormalization: Kernel = (c) => {
  const x = c.input(0);
  const groups = c.attrs.num_groups as number;
  const grouped = x.reshape([x.shape[0], groups, -1]);
  const centred = tf.sub(grouped, cascadeMean(grouped, [2], true));
  const invStd = tf.rsqrt(tf.add(cascadeMean(tf.square(centred), [2], true), c.attrs.epsilon as number));
  const perGroup = (p: tf.Tensor) => p.reshape([1, groups, 1]);
  return [tf.add(tf.mul(tf.mul(centred, invStd), perGroup(c.input(1))), perGroup(c.input(2))).reshape(x.shape)];
};

export const normalizationKernels: Record<string, Kernel> = {
  Softmax: softmax,
  LayerNormalization: layerNormalization,
  BatchNormalization: batchNormalization,
  InstanceNormalization: instanceNormalization,
  GroupNormalization: groupNormalization,
};
