/**
 * Complex FFTs on (re, im) Float64Array pairs for the ptychography simulator: radix-2 Cooley–Tukey, unnormalised
 * forward transform exp(−2πi·jk/n) as numpy.fft.fft2, plus fftshift. The training graph does not use this (it has
 * the ONNX DFT op); this only makes data, so sizes are limited to powers of two.
 */
export interface ComplexPlane {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** In-place FFT of `n` values taken at `offset + k·stride`. */
function fft1d(re: Float64Array, im: Float64Array, n: number, offset: number, stride: number): void {
  // Bit-reversal permutation, then butterflies of doubling width.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const a = offset + i * stride;
      const b = offset + j * stride;
      [re[a], re[b]] = [re[b], re[a]];
      [im[a], im[b]] = [im[b], im[a]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = offset + (start + k) * stride;
        const b = offset + (start + k + len / 2) * stride;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** numpy.fft.fft2 of a row-major rows×cols plane, in place. */
export function fft2(plane: ComplexPlane, rows: number, cols: number): void {
  if (!isPowerOfTwo(rows) || !isPowerOfTwo(cols)) throw new RangeError(`fft2 needs power-of-two sizes, got ${rows}×${cols}`);
  for (let r = 0; r < rows; r++) fft1d(plane.re, plane.im, cols, r * cols, 1);
  for (let c = 0; c < cols; c++) fft1d(plane.re, plane.im, rows, c, cols);
}

/** numpy.fft.fftshift over both axes of a row-major rows×cols real plane: the zero frequency moves to the centre. */
export function fftshift2(values: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(values.length);
  const [hr, hc] = [Math.floor(rows / 2), Math.floor(cols / 2)];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[((r + hr) % rows) * cols + ((c + hc) % cols)] = values[r * cols + c];
  }
  return out;
}
