import { fft2, isPowerOfTwo, type ComplexPlane } from './fft.ts';

/**
 * Reconstruction quality against the ground-truth object, as upstream's compare_models spec reports it
 * (docs/reference/seed-systems.md §1.10): amplitude and phase MAE, PSNR, and Fourier ring correlation (FRC) with the 1/7 threshold.
 * Ptychography determines the object only up to a global phase, so the phase is aligned first.
 */

/** The global phase φ₀ = arg Σ pred·conj(true) over the masked pixels; subtracting it aligns pred to true. */
export function globalPhaseOffset(pred: ComplexPlane, truth: ComplexPlane, mask: ArrayLike<boolean | number>): number {
  let [re, im] = [0, 0];
  for (let i = 0; i < pred.re.length; i++) {
    if (!mask[i]) continue;
    re += pred.re[i] * truth.re[i] + pred.im[i] * truth.im[i];
    im += pred.im[i] * truth.re[i] - pred.re[i] * truth.im[i];
  }
  return Math.atan2(im, re);
}

/** Wraps an angle into (−π, π]. */
export function wrapPhase(a: number): number {
  const w = a - 2 * Math.PI * Math.round(a / (2 * Math.PI));
  return w === -Math.PI ? Math.PI : w;
}

export function meanAbsoluteError(a: ArrayLike<number>, b: ArrayLike<number>, mask: ArrayLike<boolean | number>): number {
  let [sum, n] = [0, 0];
  for (let i = 0; i < a.length; i++) if (mask[i]) [sum, n] = [sum + Math.abs(a[i] - b[i]), n + 1];
  return sum / n;
}

/** PSNR in dB with the truth's own range as the peak: 10·log10(range² / MSE). */
export function psnr(pred: ArrayLike<number>, truth: ArrayLike<number>, mask: ArrayLike<boolean | number>): number {
  let [sq, n, lo, hi] = [0, 0, Infinity, -Infinity];
  for (let i = 0; i < pred.length; i++) {
    if (!mask[i]) continue;
    sq += (pred[i] - truth[i]) ** 2;
    n++;
    [lo, hi] = [Math.min(lo, truth[i]), Math.max(hi, truth[i])];
  }
  return 10 * Math.log10((hi - lo) ** 2 / (sq / n));
}

/**
 * FRC(r) = Re Σ_ring F₁·conj(F₂) / sqrt(Σ|F₁|² · Σ|F₂|²) for integer rings r = 0 … size/2 − 1 of two real size×size
 * images (power of two). Each image has its mean removed and is multiplied by a 2-D Hann window first: a crop is not
 * periodic, and the jump at its border would otherwise put the same streaks into both spectra at every frequency,
 * correlating them where the images share nothing. Ring 0 (the removed mean) is NaN.
 */
export function fourierRingCorrelation(a: Float64Array, b: Float64Array, size: number): Float64Array {
  if (!isPowerOfTwo(size)) throw new RangeError(`FRC needs a power-of-two square image, got ${size}×${size}`);
  const hann = Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / size));
  const spectrum = (v: Float64Array) => {
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const plane = { re: Float64Array.from(v, (x, i) => (x - mean) * hann[Math.floor(i / size)] * hann[i % size]), im: new Float64Array(v.length) };
    fft2(plane, size, size);
    return plane;
  };
  const [fa, fb] = [spectrum(a), spectrum(b)];
  const rings = size / 2;
  const [cross, pa, pb] = [new Float64Array(rings), new Float64Array(rings), new Float64Array(rings)];
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const ky = r < size / 2 ? r : r - size;
      const kx = c < size / 2 ? c : c - size;
      const ring = Math.round(Math.hypot(kx, ky));
      if (ring >= rings) continue;
      const i = r * size + c;
      cross[ring] += fa.re[i] * fb.re[i] + fa.im[i] * fb.im[i];
      pa[ring] += fa.re[i] ** 2 + fa.im[i] ** 2;
      pb[ring] += fb.re[i] ** 2 + fb.im[i] ** 2;
    }
  }
  return cross.map((x, r) => (r === 0 ? NaN : pa[r] > 0 && pb[r] > 0 ? x / Math.sqrt(pa[r] * pb[r]) : 0));
}

/** Resolution by the 1/7 criterion: the first ring (from 1) where FRC drops below 1/7, as a fraction of Nyquist (1 = never). */
export function frcCutoff(frc: Float64Array, threshold = 1 / 7): number {
  for (let r = 1; r < frc.length; r++) if (frc[r] < threshold) return r / frc.length;
  return 1;
}
