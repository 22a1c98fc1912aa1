import * as tf from '@tensorflow/tfjs';

/**
 * The one place where tandem's channels-first layout meets tfjs's channels-last kernels. tandem (ONNX, torch)
 * stores images as [batch, channel, spatial…] and conv weights as [out, in, kernel…]; tfjs convolutions and
 * pools take [batch, spatial…, channel] and [kernel…, in, out]. Every conv and pool kernel converts here, by
 * these names, and lifts 1-D signals to 2-D with a unit height so only 2-D tfjs kernels are needed.
 */

/** [batch, channel, length] → [batch, channel, 1, length]; 2-D input passes through. */
export function liftTo2d(x: tf.Tensor): tf.Tensor4D {
  return (x.rank === 3 ? x.expandDims(2) : x) as tf.Tensor4D;
}

/** Undoes liftTo2d for a result whose source had `spatialRank` spatial axes. */
export function dropLift(x: tf.Tensor4D, spatialRank: number): tf.Tensor {
  return spatialRank === 1 ? x.squeeze([2]) : x;
}

/** [batch, channel, height, width] → [batch, height, width, channel]. */
export function channelsLast(x: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(x, [0, 2, 3, 1]);
}

/** [batch, height, width, channel] → [batch, channel, height, width]. */
export function channelsFirst(x: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(x, [0, 3, 1, 2]);
}

/** Conv weight [out, in, height, width] → tfjs filter [height, width, in, out]. */
export function filterHwio(w: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(w, [2, 3, 1, 0]);
}

/** Per-axis pairs of 2-D geometry from ONNX's per-spatial-axis lists, with the unit height of a lifted 1-D op. */
export function lift2dPairs(v: readonly number[], fill: number): [number, number] {
  return v.length === 1 ? [fill, v[0]] : [v[0], v[1]];
}

/** ONNX pads [begin…, end…] of 1 or 2 spatial axes as [[top, bottom], [left, right]]. */
export function lift2dPads(pads: readonly number[]): [[number, number], [number, number]] {
  return pads.length === 2 ? [[0, 0], [pads[0], pads[1]]] : [[pads[0], pads[2]], [pads[1], pads[3]]];
}
