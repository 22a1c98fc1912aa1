import { rngFor, type Rng } from '../../data/rng.ts';

/**
 * Collocation points for a space-time PINN on [0, 1]² × [0, t_max], drawn by Latin hypercube sampling: each axis
 * is cut into n equal strata, every stratum holds exactly one point, and the strata of different axes are paired
 * by independent random permutations. That covers the domain more evenly than i.i.d. uniform points at the same
 * count, which matters at the small counts a PINN trains with.
 *
 * Three sets, as a PINN loss needs them: interior (x, y, t) for the PDE residual, boundary (x, y, t) with (x, y)
 * on the square's edges for the boundary condition, and initial (x, y, 0) for the initial condition.
 * `round` selects an independent draw of the same sizes (resampling every K epochs uses round = epoch / K).
 */
export interface CollocationCounts {
  readonly interior: number;
  readonly boundary: number;
  readonly initial: number;
}

export interface CollocationSets {
  /** Points as rows (x, y, t), row-major [n, 3]. */
  readonly interior: Float64Array;
  readonly boundary: Float64Array;
  readonly initial: Float64Array;
}

/** n points of a d-dimensional Latin hypercube on [0, 1)^d, row-major [n, d]. */
export function latinHypercube(n: number, d: number, rng: Rng): Float64Array {
  const out = new Float64Array(n * d);
  for (let axis = 0; axis < d; axis++) {
    const strata = rng.permutation(n);
    for (let i = 0; i < n; i++) out[i * d + axis] = (strata[i] + rng.uniform()) / n;
  }
  return out;
}

/** The three point sets; every count must be ≥ 1 (the key path is named in the error). */
export function collocationPoints(counts: CollocationCounts, tMax: number, seed: number, round = 0, where = 'adapter.params.points'): CollocationSets {
  for (const [key, n] of Object.entries(counts)) {
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`${where}.${key} is ${n}: a PINN needs at least one ${key} collocation point (its loss term would be an empty mean); set ${where}.${key} to a positive integer`);
    }
  }
  if (!(tMax > 0)) throw new Error(`the time horizon t_max must be > 0, got ${tMax}`);
  const interior = latinHypercube(counts.interior, 3, rngFor(seed, 'elastic', 'interior', round));
  for (let i = 0; i < counts.interior; i++) interior[3 * i + 2] *= tMax;

  // The perimeter as one coordinate s ∈ [0, 4): edge ⌊s⌋ (bottom, right, top, left), position s − ⌊s⌋ along it.
  const edge = latinHypercube(counts.boundary, 2, rngFor(seed, 'elastic', 'boundary', round));
  const boundary = new Float64Array(counts.boundary * 3);
  for (let i = 0; i < counts.boundary; i++) {
    const s = 4 * edge[2 * i];
    const side = Math.min(3, Math.floor(s));
    const r = s - side;
    const [x, y] = side === 0 ? [r, 0] : side === 1 ? [1, r] : side === 2 ? [1 - r, 1] : [0, 1 - r];
    boundary.set([x, y, edge[2 * i + 1] * tMax], 3 * i);
  }

  const plane = latinHypercube(counts.initial, 2, rngFor(seed, 'elastic', 'initial', round));
  const initial = new Float64Array(counts.initial * 3);
  for (let i = 0; i < counts.initial; i++) initial.set([plane[2 * i], plane[2 * i + 1], 0], 3 * i);
  return { interior, boundary, initial };
}

/** A regular n × n × nt grid over the whole space-time domain (boundaries included), rows (x, y, t). */
export function testGrid(n: number, nt: number, tMax: number): Float64Array {
  const out = new Float64Array(n * n * nt * 3);
  let o = 0;
  for (let k = 0; k < nt; k++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        out.set([i / (n - 1), j / (n - 1), (k / Math.max(1, nt - 1)) * tMax], o);
        o += 3;
      }
    }
  }
  return out;
}
