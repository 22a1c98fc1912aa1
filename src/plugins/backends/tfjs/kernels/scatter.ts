import * as tf from '@tensorflow/tfjs';
import { normalizeAxis } from '../../../../graph/shape-utils.ts';
import type { Kernel } from './kernel.ts';

/** Negative indices count from the end of an axis of size `dim` (a tensor broadcasting against the indices). */
function wrap(idx: tf.Tensor, dim: tf.Tensor | number): tf.Tensor {
  const i = tf.cast(idx, 'int32');
  const d = typeof dim === 'number' ? tf.scalar(dim, 'int32') : dim;
  return tf.where(tf.less(i, tf.scalar(0, 'int32')), tf.broadcastTo(tf.add(i, d), i.shape), i);
}

/**
 * The full coordinates [..., rank] of every element of `idx` when it indexes `axis` (GatherElements and
 * ScatterElements): its own position on the other axes, its value on `axis`. That turns both ops into tfjs's
 * gatherND / scatterND.
 */
function elementCoords(idx: tf.Tensor, axis: number, dim: number): tf.Tensor {
  const shape = idx.shape;
  const coords = shape.map((d, a) => {
    if (a === axis) return wrap(idx, dim);
    const iota = tf.reshape(tf.range(0, d, 1, 'int32'), shape.map((e, b) => (b === a ? e : 1)));
    return tf.broadcastTo(iota, shape);
  });
  return tf.stack(coords, -1);
}

/** ND indices [..., q] with negative entries wrapped against the first q axes of `shape`. */
function ndCoords(idx: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const q = idx.shape[idx.rank - 1]!;
  return wrap(idx, tf.tensor1d(shape.slice(0, q), 'int32'));
}

/**
 * Writes (none), adds (add) or multiplies (mul) `updates` into `data` at `coords`. tfjs has no multiplying scatter,
 * so mul runs on the host values: exact, and only exporters' rare mul scatters pay for the read-back.
 */
function scatter(data: tf.Tensor, coords: tf.Tensor, updates: tf.Tensor, reduction: string): tf.Tensor {
  if (reduction === 'none') return tf.tensorScatterUpdate(data, coords, updates);
  if (reduction === 'add') return tf.add(data, tf.scatterND(coords, updates, data.shape));
  const out = data.dataSync().slice();
  const q = coords.shape[coords.rank - 1]!;
  const extent = (dims: readonly number[]): number => dims.reduce((n, d) => n * d, 1);
  const sliceSize = extent(data.shape.slice(q));
  const strides = data.shape.slice(0, q).map((_, i) => extent(data.shape.slice(i + 1)));
  const rows = coords.reshape([-1, q]).arraySync() as number[][];
  const u = updates.dataSync();
  rows.forEach((r, n) => {
    const base = r.reduce((off, v, i) => off + v * strides[i], 0);
    for (let j = 0; j < sliceSize; j++) out[base + j] *= u[n * sliceSize + j];
  });
  return tf.tensor(out, data.shape, data.dtype);
}

const gatherElements: Kernel = (c) => {
  const x = c.input(0);
  const axis = normalizeAxis(c.attrs.axis as number, x.rank);
  return [tf.gatherND(x, elementCoords(c.input(1), axis, x.shape[axis]))];
};

const scatterElements: Kernel = (c) => {
  const x = c.input(0);
  const axis = normalizeAxis(c.attrs.axis as number, x.rank);
  return [scatter(x, elementCoords(c.input(1), axis, x.shape[axis]), c.input(2), c.attrs.reduction as string)];
};

const scatterND: Kernel = (c) => {
  const x = c.input(0);
  return [scatter(x, ndCoords(c.input(1), x.shape), c.input(2), c.attrs.reduction as string)];
};

export const scatterKernels: Record<string, Kernel> = { GatherElements: gatherElements, ScatterElements: scatterElements, ScatterND: scatterND };
