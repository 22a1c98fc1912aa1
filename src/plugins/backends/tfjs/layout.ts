import * as tf from '@tensorflow/tfjs';

/**
 * The one place where tandem's channels-first layout meets tfjs's channels-last kernels. tandem (ONNX, torch)
 * stores images as [batch, channel, spatial…] and conv weights as [out, in, kernel…]; tfjs convolutions and
 * pools take [batch, spatial…, channel] and [kernel…, in, out]. Every conv and pool kernel converts here, by
 * these names, and lifts 1-D signals to 2-D with a unit height so only 2-D and 3-D tfjs kernels are needed.
 */

/** A [begin, end] pair per spatial axis. */
export type AxisPads = [number, number][];

/** [batch, channel, length] → [batch, channel, 1, length]; other ranks pass through. */
export function liftTo2d(x: tf.Tensor): tf.Tensor {
  return x.rank === 3 ? x.expandDims(2) : x;
}

/** Undoes liftTo2d for a result whose source had `spatialRank` spatial axes (either layout: the unit axis is axis 2 in channels-first). */
export function dropLift(x: tf.Tensor, spatialRank: number): tf.Tensor {
  return spatialRank === 1 ? x.squeeze([2]) : x;
}

/** [batch, channel, spatial…] → [batch, spatial…, channel]. */
export function channelsLast(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]);
}

/** [batch, spatial…, channel] → [batch, channel, spatial…]. */
export function channelsFirst(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, x.rank - 1, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 1)]);
}

/** Conv weight [out, in, kernel…] → tfjs filter [kernel…, in, out]. */
export function filterChannelsLast(w: tf.Tensor): tf.Tensor {
  return tf.transpose(w, [...Array.from({ length: w.rank - 2 }, (_, i) => i + 2), 1, 0]);
}

/** Per-spatial-axis ONNX values, with the unit height of a lifted 1-D op prepended (`fill`). */
export function liftAxes(v: readonly number[], fill: number): number[] {
  return v.length === 1 ? [fill, v[0]] : [...v];
}

/** ONNX pads [begins…, ends…] as [begin, end] per spatial axis, lifted like liftAxes. */
export function liftPads(pads: readonly number[]): AxisPads {
  const k = pads.length / 2;
  const pairs: AxisPads = Array.from({ length: k }, (_, i) => [pads[i], pads[i + k]]);
  return k === 1 ? [[0, 0], ...pairs] : pairs;
}

/** Pads (positive) and crops (negative) the spatial axes of a channels-last tensor [batch, spatial…, channel]. */
export function padOrCropSpatial(x: tf.Tensor, pads: AxisPads, value = 0): tf.Tensor {
  if (pads.every(([b, e]) => b === 0 && e === 0)) return x;
  const grow: [number, number][] = [[0, 0], ...pads.map(([b, e]) => [Math.max(b, 0), Math.max(e, 0)] as [number, number]), [0, 0]];
  const grown = pads.some(([b, e]) => b > 0 || e > 0) ? tf.pad(x, grow, value) : x;
  if (pads.every(([b, e]) => b >= 0 && e >= 0)) return grown;
  const begin = [0, ...pads.map(([b]) => Math.max(-b, 0)), 0];
  const size = grown.shape.map((d, i) => (i === 0 || i === grown.rank - 1 ? d : d - begin[i] - Math.max(-pads[i - 1][1], 0)));
  return grown.slice(begin, size);
}
