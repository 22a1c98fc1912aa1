import type { ComplexPlane } from './fft.ts';

/** numpy complex64 (interleaved float32 re, im pairs) from a complex plane. */
export function toComplex64(p: ComplexPlane): Float32Array {
  const out = new Float32Array(2 * p.re.length);
  for (let i = 0; i < p.re.length; i++) [out[2 * i], out[2 * i + 1]] = [p.re[i], p.im[i]];
  return out;
}

/** A complex plane (float64 re, im) from numpy complex64 pairs. */
export function fromComplex64(pairs: Float32Array): ComplexPlane {
  const re = new Float64Array(pairs.length / 2);
  const im = new Float64Array(pairs.length / 2);
  for (let i = 0; i < re.length; i++) [re[i], im[i]] = [pairs[2 * i], pairs[2 * i + 1]];
  return { re, im };
}
