import type { Rng } from '../../data/rng.ts';

export interface PermeabilityOptions {
  /** Frequencies 0..frequencies−1 per axis (PhysicsNeMo `nr_permeability_freq`, default 5). */
  readonly frequencies: number;
  /** The two values of the thresholded field (PhysicsNeMo `min`/`max`: 0.5 and 2.0). */
  readonly low: number;
  readonly high: number;
  /** Field values below this become `low`, the others `high` (PhysicsNeMo: 0). */
  readonly threshold: number;
}

/**
 * A two-valued random permeability as PhysicsNeMo's Darcy2D datapipe draws it (docs/reference/seed-systems.md §2.1;
 * `init_uniform_random_4d`, `fourier_to_array_batched_2d`, `threshold_3d`): four coefficient sets a, b, c, d ~ U(−1, 1)
 * for frequencies i, j ∈ [0, F), the field Σ_ij a·sin(i·x)·sin(j·y) + b·cos·sin + c·sin·cos + d·cos·cos over
 * x, y ∈ [0, 2π), then thresholded. Differences from upstream: it is sampled at the n×n cell centres
 * (x = 2π·(i + ½)/n) rather than at (n+1)² nodes, it skips the 1/F² factor (irrelevant to a threshold), and the
 * numbers come from tandem's seeded RNG, not numpy's.
 */
export function samplePermeability(n: number, options: PermeabilityOptions, rng: Rng): Float64Array {
  const { frequencies: F, low, high, threshold } = options;
  if (!Number.isInteger(F) || F < 1) throw new RangeError(`permeability frequencies must be a positive integer, got ${F}`);
  if (!(low > 0 && high > 0)) throw new RangeError(`both permeability values must be positive, got low ${low} and high ${high}`);
  const coeff = Float64Array.from({ length: 4 * F * F }, () => 2 * rng.uniform() - 1);
  const sin = new Float64Array(F * n);
  const cos = new Float64Array(F * n);
  for (let f = 0; f < F; f++) {
    for (let p = 0; p < n; p++) {
      const x = (2 * Math.PI * (p + 0.5)) / n;
      sin[f * n + p] = Math.sin(f * x);
      cos[f * n + p] = Math.cos(f * x);
    }
  }
  // Separable in x and y: for each x, fold the i-sum into per-j weights, then sum over j for every y.
  const k = new Float64Array(n * n);
  const ws = new Float64Array(F);
  const wc = new Float64Array(F);
  for (let p = 0; p < n; p++) {
    ws.fill(0);
    wc.fill(0);
    for (let i = 0; i < F; i++) {
      const si = sin[i * n + p];
      const ci = cos[i * n + p];
      for (let j = 0; j < F; j++) {
        const ij = i * F + j;
        ws[j] += coeff[ij] * si + coeff[F * F + ij] * ci; // multiplies sin(j·y): a·sin·sin + b·cos·sin
        wc[j] += coeff[2 * F * F + ij] * si + coeff[3 * F * F + ij] * ci; // multiplies cos(j·y): c·sin·cos + d·cos·cos
      }
    }
    for (let q = 0; q < n; q++) {
      let v = 0;
      for (let j = 0; j < F; j++) v += ws[j] * sin[j * n + q] + wc[j] * cos[j * n + q];
      k[p * n + q] = v < threshold ? low : high;
    }
  }
  return k;
}
