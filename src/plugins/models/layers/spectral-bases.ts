import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import type { DType } from '../../../graph/dtype.ts';
import { tensor } from '../../../graph/tensor.ts';

// Truncated DFTs as constant real matrices, for the 'matmul' spectral transform. With m kept frequencies out of n
// points a transform costs n·m multiply-adds per signal, which beats onnxruntime's DFT kernel by far at FNO sizes
// (m ≪ n) and makes the backward pass a plain MatMul. Conventions are numpy/torch's: forward e^{−2πi·k·j/n}
// unnormalised, inverse e^{+2πi·k·j/n}/n. Complex vectors are laid out [re₀ … re_{K−1}, im₀ … im_{K−1}].

const angle = (k: number, j: number, n: number): number => (2 * Math.PI * ((k * j) % n)) / n;

function matrix(g: GraphBuilder, dtype: DType, rows: number, cols: number, at: (r: number, c: number) => number): Value {
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = at(r, c);
  return g.constant(tensor(dtype, [rows, cols], data));
}

/** [n, 2m]: a real signal (last axis) → its first m rfft bins (re block, im block). */
export function rfftBasis(g: GraphBuilder, dtype: DType, n: number, m: number): Value {
  return matrix(g, dtype, n, 2 * m, (j, c) => (c < m ? Math.cos(angle(c, j, n)) : -Math.sin(angle(c - m, j, n))));
}

/**
 * [2m, n]: the first m rfft bins → the real signal, all other bins zero (torch.fft.irfft(·, n)). Bins other than
 * DC and Nyquist stand for their conjugate twin too, hence the weight 2; the imaginary parts of DC and Nyquist meet
 * sin(0) = sin(πj) = 0 and drop out, as irfft discards them.
 */
export function irfftBasis(g: GraphBuilder, dtype: DType, n: number, m: number): Value {
  const weight = (k: number): number => (k === 0 || 2 * k === n ? 1 : 2) / n;
  return matrix(g, dtype, 2 * m, n, (r, j) => (r < m ? weight(r) * Math.cos(angle(r, j, n)) : -weight(r - m) * Math.sin(angle(r - m, j, n))));
}

/**
 * [2n, 2K] (forward) or [2K, 2n] (inverse): a complex signal of n points ↔ its bins at `freqs` (K of them), as the
 * real block matrix of the complex DFT restricted to those bins.
 */
export function dftBasis(g: GraphBuilder, dtype: DType, n: number, freqs: readonly number[], inverse: boolean): Value {
  const K = freqs.length;
  if (!inverse) {
    // X_k = Σ_j (re_j + i·im_j)(cos θ − i·sin θ)
    return matrix(g, dtype, 2 * n, 2 * K, (r, c) => {
      const [j, imIn] = r < n ? [r, false] : [r - n, true];
      const [k, imOut] = c < K ? [c, false] : [c - K, true];
      const t = angle(freqs[k], j, n);
      return imOut ? (imIn ? Math.cos(t) : -Math.sin(t)) : imIn ? Math.sin(t) : Math.cos(t);
    });
  }
  // y_j = Σ_k (re_k + i·im_k)(cos θ + i·sin θ) / n
  return matrix(g, dtype, 2 * K, 2 * n, (r, c) => {
    const [k, imIn] = r < K ? [r, false] : [r - K, true];
    const [j, imOut] = c < n ? [c, false] : [c - n, true];
    const t = angle(freqs[k], j, n);
    return (imOut ? (imIn ? Math.cos(t) : Math.sin(t)) : imIn ? -Math.sin(t) : Math.cos(t)) / n;
  });
}
