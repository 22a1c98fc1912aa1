import * as tf from '@tensorflow/tfjs';
import { isFloat } from '../../../../graph/dtype.ts';
import { broadcastTo } from './broadcast.ts';
import type { Kernel, KernelContext } from './kernel.ts';

/** tfjs matmuls are float32 kernels; integer products go through float32 (exact while sums stay below 2^24). */
function asFloat(c: KernelContext, k: number): tf.Tensor {
  return isFloat(c.inputInfo(k)!.dtype) ? c.input(k) : tf.cast(c.input(k), 'float32');
}

function backToInput(c: KernelContext, y: tf.Tensor): tf.Tensor {
  return isFloat(c.inputInfo(0)!.dtype) ? y : tf.cast(tf.round(y), 'int32');
}

/**
 * numpy matmul: 1-D operands are promoted (and the promoted axis dropped by reshaping to the static output
 * shape); batch axes are broadcast explicitly and flattened to one, so any rank runs on tfjs's 3-D BatchMatMul.
 */
const matMul: Kernel = (c) => {
  let a = asFloat(c, 0);
  let b = asFloat(c, 1);
  if (a.rank === 2 && b.rank === 2) return [backToInput(c, tf.matMul(a, b))];
  // A batched A times a 2-D B is one 2-D product of A's rows: broadcasting B to every batch element instead
  // costs batch × B (a 6,656-fold copy in a MaxPool gradient).
  if (a.rank > 2 && b.rank === 2) return [backToInput(c, tf.matMul(a.reshape([-1, a.shape[a.rank - 1]]), b).reshape([...c.outputInfo(0).shape]))];
  if (a.rank === 2 && b.rank > 2) return [backToInput(c, matrixTimesBatch(a, b))];
  if (a.rank === 1) a = a.reshape([1, a.shape[0]]);
  if (b.rank === 1) b = b.reshape([b.shape[0], 1]);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const da = batchA[i - rank + batchA.length] ?? 1;
    const db = batchB[i - rank + batchB.length] ?? 1;
    return da === 1 ? db : da;
  });
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.rank - 1];
  const flat = batch.reduce((p, d) => p * d, 1);
  const full = (t: tf.Tensor, rows: number, cols: number) => broadcastTo(t, [...batch, rows, cols]).reshape([flat, rows, cols]);
  const a3 = full(a, m, k);
  const b3 = full(b, k, n);
  return [backToInput(c, tf.matMul(a3, b3).reshape([...c.outputInfo(0).shape]))];
};

/**
 * A[m, k] times every matrix of B[…, k, n] (a 1×1 or im2col convolution W·X over a grid, and its input gradient):
 * as (Bᵀ rows)·Aᵀ, one 2-D product whose row count is batch·n, then transposed back. tfjs-wasm's fast (XNNPACK)
 * matmul wants many rows and a plain right operand, and broadcasting A to every batch element is slow in itself.
 * Measured against the broadcast batched product, transposes included: 8.6× faster for the FNO's
 * 16×32 · 16×32×4096, 20–50× for the U-Net's 16×48 · 16×48×64 and 96×16 · 16×16×64.
 */
function matrixTimesBatch(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const r = b.rank;
  const swap = (t: tf.Tensor) => tf.transpose(t, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
  const [m, k] = a.shape;
  const rows = swap(b).reshape([-1, k]);
  return swap(tf.matMul(rows, tf.transpose(a)).reshape([...b.shape.slice(0, -2), b.shape[r - 1], m]));
}

/** Y = alpha·op(A)·op(B) + beta·C; with alpha = beta = 1 and float32 operands, one tf.fused.matMul (product and bias in one kernel). */
const gemm: Kernel = (c) => {
  const { alpha, beta, transA, transB } = c.attrs as { alpha: number; beta: number; transA: number; transB: number };
  // tfjs-wasm's fused kernel takes the bias as one full row [N] (a full [M, N] C or a [1] C comes out wrong:
  // ops.test.ts "Gemm plain", test_gemm_default_single_elem_vector_bias). Its matMul transpose flags measured 4–7×
  // slower than an explicit Transpose and a plain matMul (1000×64 operands), so transposes are explicit.
  const bias = c.inputInfo(2);
  const fused = alpha === 1 && beta === 1 && transA === 0 && transB === 0 && (!bias || (bias.shape.length === 1 && bias.shape[0] === c.outputInfo(0).shape[1])) && [0, 1, 2].every((k) => !c.inputInfo(k) || c.inputInfo(k)!.dtype === 'float32');
  if (fused) {
    const row = c.optional(2);
    return [tf.fused.matMul({ a: c.input(0) as tf.Tensor2D, b: c.input(1) as tf.Tensor2D, ...(row ? { bias: row } : {}) })];
  }
  let y = tf.matMul(transA === 1 ? tf.transpose(asFloat(c, 0)) : asFloat(c, 0), transB === 1 ? tf.transpose(asFloat(c, 1)) : asFloat(c, 1));
  if (alpha !== 1) y = tf.mul(y, alpha);
  if (c.optional(2)) {
    const cc = asFloat(c, 2);
    y = tf.add(y, beta === 1 ? cc : tf.mul(cc, beta));
  }
  return [backToInput(c, y)];
};

export const matmulKernels: Record<string, Kernel> = { MatMul: matMul, Gemm: gemm };
