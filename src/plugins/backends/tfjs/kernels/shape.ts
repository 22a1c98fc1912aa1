import * as tf from '@tensorflow/tfjs';
import { broadcastTo } from './broadcast.ts';
import { normalizeAxis } from '../../../../graph/shape-utils.ts';
import type { Kernel } from './kernel.ts';

/**
 * Shape ops. tandem graphs have static shapes, so Reshape, Squeeze and Unsqueeze are all a reshape to the
 * node's inferred output shape, and Expand a broadcast to it: the ONNX rules (0 copies a dim, -1 infers one,
 * negative axes) were already applied by shape inference.
 */
const toOutputShape: Kernel = (c) => [tf.reshape(c.input(0), [...c.outputInfo(0).shape])];

const expand: Kernel = (c) => [broadcastTo(c.input(0), c.outputInfo(0).shape)];

const transpose: Kernel = (c) => {
  const x = c.input(0);
  const perm = (c.attrs.perm as number[] | undefined) ?? [...Array(x.rank).keys()].reverse();
  const merged = mergedTranspose(x.shape, perm);
  // A transpose that moves only size-1 axes stays a real transpose. Answering it with a reshape of the input (which
  // shares the input's buffer) broke the second optimizer step on wasm (tests/backends/cross/optimizers-vs-torch:
  // a [16, 1] → [1, 16] weight-gradient transpose); why the shared buffer went wrong is not pinned down.
  if (merged.perm.length === x.rank || merged.perm.every((p, i) => p === i)) return [tf.transpose(x, perm)];
  const out = [...c.outputInfo(0).shape];
  return [tf.reshape(tf.transpose(tf.reshape(x, merged.shape), merged.perm), out)];
};

/**
 * The same data movement on the fewest axes: size-1 axes dropped, and input axes that stay neighbours, in order,
 * in the output merged into one. tfjs-wasm transposes rank 5–6 far slower than the rank-2–3 equivalent (measured
 * 14× on the FNO's [16, 2, 16, 16, 8, 2] with perm [3, 4, 0, 1, 2, 5], which is [512, 128, 2] with [1, 0, 2]).
 */
export function mergedTranspose(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((a) => shape[a] !== 1);
  const rank = [...kept].sort((a, b) => a - b);
  const p = kept.map((a) => rank.indexOf(a));
  const dims = rank.map((a) => shape[a]);
  // Runs of consecutive input axes in output order become one axis each.
  const runs: number[][] = [];
  for (const a of p) {
    const run = runs.at(-1);
    if (run && run.at(-1)! + 1 === a) run.push(a);
    else runs.push([a]);
  }
  const byInput = [...runs].sort((r, q) => r[0] - q[0]);
  return {
    shape: byInput.map((r) => r.reduce((acc, a) => acc * dims[a], 1)),
    perm: runs.map((r) => byInput.indexOf(r)),
  };
}

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
