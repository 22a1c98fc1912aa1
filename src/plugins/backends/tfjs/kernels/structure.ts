import * as tf from '@tensorflow/tfjs';
import { blockShuffle } from '../../../../graph/ops/block-shuffle.ts';
import { rangeValues } from '../../../../graph/ops/structure.ts';
import { normalizeAxis } from '../../../../graph/shape-utils.ts';
import type { Kernel, KernelContext } from './kernel.ts';

/**
 * bool tensors take an int32 detour through kernels whose wasm bool form is missing or broken: wasm's Select
 * (tf.where) with bool operands returns the first operand unchanged and corrupts the heap (a later, unrelated
 * kernel then aborts with "memory access out of bounds").
 */
function viaInt(x: tf.Tensor, f: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  return x.dtype === 'bool' ? tf.cast(f(tf.cast(x, 'int32')), 'bool') : f(x);
}

/** Split: the sizes are the inferred outputs' extents on the axis (the split input or equal parts, already resolved). */
const split: Kernel = (c) => {
  const x = c.input(0);
  const axis = normalizeAxis(c.attrs.axis as number, x.rank);
  const sizes = c.node.outputs.map((_, k) => c.outputInfo(k).shape[axis]);
  if (sizes.length === 1) return [x.clone()];
  const parts = x.dtype === 'bool' ? tf.split(tf.cast(x, 'int32'), sizes, axis).map((p) => tf.cast(p, 'bool')) : tf.split(x, sizes, axis);
  return parts.map((p, k) => (c.wantsOutput(k) ? p : undefined));
};

const tile: Kernel = (c) => [viaInt(c.input(0), (x) => tf.tile(x, c.ints(1)!))];

/** tfjs's depthToSpace is NHWC and DCR only, so both block shuffles run as the shared Reshape–Transpose–Reshape recipe. */
function shuffle(op: 'DepthToSpace' | 'SpaceToDepth'): Kernel {
  return (c) => {
    const x = c.input(0);
    const { split: s, perm, out } = blockShuffle(op, x.shape, c.attrs.blocksize as number, c.attrs.mode as string | undefined);
    return [viaInt(x, (v) => tf.reshape(tf.transpose(tf.reshape(v, s), perm), out))];
  };
}

const cumsum: Kernel = (c) => {
  const x = c.input(0);
  const axis = normalizeAxis(c.ints(1)![0], x.rank);
  return [tf.cumsum(x, axis, c.attrs.exclusive === 1, c.attrs.reverse === 1)];
};

/** Trilu as a select with a cached triangle mask over the last two axes (broadcast over the leading ones). */
const trilu: Kernel = (c) => {
  const x = c.input(0);
  const [rows, cols] = x.shape.slice(-2);
  const k = c.ints(1)?.[0] ?? 0;
  const upper = c.attrs.upper === 1;
  const mask = c.cached(`trilu:${rows}x${cols}:${k}:${upper}`, () => {
    const keep = Array.from({ length: rows * cols }, (_, p) => {
      const d = (p % cols) - Math.floor(p / cols);
      return upper ? d >= k : d <= k;
    });
    return tf.tensor2d(keep.map(Number), [rows, cols], 'bool');
  });
  return [viaInt(x, (v) => tf.where(tf.broadcastTo(mask, v.shape), v, tf.zerosLike(v)))];
};

/** Range: its inputs are constants, so the values are computed as shape inference counted them (start + i·delta). */
const range: Kernel = (c: KernelContext) => {
  const [start, limit, delta] = [0, 1, 2].map((k) => c.floats(k)![0]);
  const dtype = c.outputInfo(0).dtype === 'float32' ? 'float32' : 'int32';
  return [tf.tensor1d(rangeValues(start, limit, delta), dtype)];
};

export const structureKernels: Record<string, Kernel> = {
  Split: split,
  Tile: tile,
  DepthToSpace: shuffle('DepthToSpace'),
  SpaceToDepth: shuffle('SpaceToDepth'),
  CumSum: cumsum,
  Trilu: trilu,
  Range: range,
};
