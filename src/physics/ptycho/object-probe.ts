import type { Rng } from '../../data/rng.ts';
import type { ComplexPlane } from './fft.ts';

/**
 * Ground truth for the simulator: a smooth complex object and a focused probe with a defocus phase.
 */

/** A smooth field in [0, 1]: a sum of `modes` random low-frequency plane waves, rescaled to its own range. */
export function smoothField(size: number, modes: number, maxCycles: number, rng: Rng): Float64Array {
  const waves = Array.from({ length: modes }, () => ({
    kx: (2 * Math.PI * (rng.uniform() * 2 - 1) * maxCycles) / size,
    ky: (2 * Math.PI * (rng.uniform() * 2 - 1) * maxCycles) / size,
    phase: 2 * Math.PI * rng.uniform(),
    weight: 0.5 + rng.uniform(),
  }));
  const out = new Float64Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      let v = 0;
      for (const w of waves) v += w.weight * Math.cos(w.kx * c + w.ky * r + w.phase);
      out[r * size + c] = v;
    }
  }
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of out) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  for (let i = 0; i < out.length; i++) out[i] = (out[i] - lo) / (hi - lo || 1);
  return out;
}

export interface ObjectSpec {
  readonly size: number;
  /** Amplitude range [low, high] (transmission, ≤ 1 for a passive object). */
  readonly amplitude: readonly [number, number];
  /** Peak-to-peak phase in radians, centred on 0. */
  readonly phaseRange: number;
  readonly maxCycles: number;
}

/** Object transmission O = a·exp(iφ) with independent smooth amplitude and phase. */
export function makeObject(s: ObjectSpec, rng: Rng): ComplexPlane {
  const amp = smoothField(s.size, 6, s.maxCycles, rng);
  const phase = smoothField(s.size, 6, s.maxCycles, rng);
  const re = new Float64Array(amp.length);
  const im = new Float64Array(amp.length);
  const [lo, hi] = s.amplitude;
  for (let i = 0; i < amp.length; i++) {
    const a = lo + (hi - lo) * amp[i];
    const p = s.phaseRange * (phase[i] - 0.5);
    re[i] = a * Math.cos(p);
    im[i] = a * Math.sin(p);
  }
  return { re, im };
}

export interface ProbeSpec {
  readonly size: number;
  readonly kind: 'gaussian' | 'disk';
  /** Gaussian σ, or the disk radius, in pixels. */
  readonly radius: number;
  /** Quadratic (defocus) phase in radians at r = size/2. */
  readonly defocus: number;
}

/** The illumination: |P| a Gaussian or a disk centred on the patch, phase defocus·(r/(N/2))². */
export function makeProbe(s: ProbeSpec): ComplexPlane {
  const n = s.size;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  const centre = (n - 1) / 2;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const rho2 = (r - centre) ** 2 + (c - centre) ** 2;
      const amp = s.kind === 'gaussian' ? Math.exp(-rho2 / (2 * s.radius ** 2)) : rho2 <= s.radius ** 2 ? 1 : 0;
      const phase = (s.defocus * rho2) / (n / 2) ** 2;
      re[r * n + c] = amp * Math.cos(phase);
      im[r * n + c] = amp * Math.sin(phase);
    }
  }
  return { re, im };
}

/** Jittered raster of patch centres (integer pixels) keeping every N×N patch inside a size×size object. */
export function rasterPositions(size: number, n: number, step: number, jitter: number, rng: Rng): { x: Float64Array; y: Float64Array } {
  const lo = n / 2;
  const hi = size - n / 2;
  const grid: number[] = [];
  for (let v = lo; v <= hi; v += step) grid.push(v);
  const clamp = (v: number) => Math.min(hi, Math.max(lo, v));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const y of grid) {
    for (const x of grid) {
      xs.push(clamp(x + rng.int(2 * jitter + 1) - jitter));
      ys.push(clamp(y + rng.int(2 * jitter + 1) - jitter));
    }
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}
