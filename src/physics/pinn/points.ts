import { rngFor, type Rng } from '../../data/rng.ts';
import { latinHypercube } from '../elastic/collocation.ts';

/**
 * Point sets on a box domain (specs/pinn.md §1), as rows [n, d] in the domain's coordinate order:
 * - interior: the whole box;
 * - boundary: the spatial faces (every coordinate but the time `t`), a face drawn per point with equal odds;
 * - initial: the face at the first value of `t`;
 * - the test grid: a regular grid, boundaries included, the first coordinate varying fastest.
 * `lhs` draws by Latin hypercube (every axis cut into n strata, one point per stratum), `uniform` i.i.d.
 * Each set and resampling round has its own random stream, `rngFor(seed, 'pinn', set, round)`.
 */
export interface Box {
  readonly names: readonly string[];
  readonly lo: readonly number[];
  readonly hi: readonly number[];
}

export type Sampler = 'lhs' | 'uniform';
export const TIME = 't';

/** n points of [0, 1)^d. */
function unitPoints(n: number, d: number, sampler: Sampler, rng: Rng): Float64Array {
  if (sampler === 'lhs') return latinHypercube(n, d, rng);
  return Float64Array.from({ length: n * d }, () => rng.uniform());
}

function scaled(box: Box, unit: Float64Array, n: number, width: number): Float64Array {
  const d = box.names.length;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) out[i * d + k] = box.lo[k] + unit[i * width + k] * (box.hi[k] - box.lo[k]);
  return out;
}

export function interiorPoints(box: Box, n: number, sampler: Sampler, seed: number, round: number): Float64Array {
  return scaled(box, unitPoints(n, box.names.length, sampler, rngFor(seed, 'pinn', 'interior', round)), n, box.names.length);
}

/** Points on the spatial faces; one extra unit column picks the face, so the face choice is stratified too. */
export function boundaryPoints(box: Box, n: number, sampler: Sampler, seed: number, round: number): Float64Array {
  const d = box.names.length;
  const spatial = box.names.flatMap((name, k) => (name === TIME ? [] : [k]));
  const unit = unitPoints(n, d + 1, sampler, rngFor(seed, 'pinn', 'boundary', round));
  const out = scaled(box, unit, n, d + 1);
  for (let i = 0; i < n; i++) {
    const face = Math.min(2 * spatial.length - 1, Math.floor(unit[i * (d + 1) + d] * 2 * spatial.length));
    const k = spatial[face >> 1];
    out[i * d + k] = face % 2 === 0 ? box.lo[k] : box.hi[k];
  }
  return out;
}

export function initialPoints(box: Box, n: number, sampler: Sampler, seed: number, round: number): Float64Array {
  const d = box.names.length;
  const k = box.names.indexOf(TIME);
  const out = scaled(box, unitPoints(n, d, sampler, rngFor(seed, 'pinn', 'initial', round)), n, d);
  for (let i = 0; i < n; i++) out[i * d + k] = box.lo[k];
  return out;
}

/** A regular grid with sizes[k] points along coordinate k (ends included), the first coordinate fastest. */
export function gridPoints(box: Box, sizes: readonly number[]): Float64Array {
  const d = box.names.length;
  const n = sizes.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let rest = i;
    for (let k = 0; k < d; k++) {
      const j = rest % sizes[k];
      rest = Math.floor(rest / sizes[k]);
      out[i * d + k] = sizes[k] === 1 ? box.lo[k] : box.lo[k] + (j / (sizes[k] - 1)) * (box.hi[k] - box.lo[k]);
    }
  }
  return out;
}
