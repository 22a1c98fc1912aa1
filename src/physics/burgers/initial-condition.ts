import { rngFor } from '../../data/rng.ts';
import { cellCentre, type BurgersGrid } from './grid.ts';

export interface InitialConditionOptions {
  /** Highest wavenumber |k| (in periods per domain) of the random Fourier sum. */
  readonly modes: number;
  /** Each component is scaled so that its maximum |value| on the grid is exactly this. */
  readonly amplitude: number;
}

/**
 * A random smooth periodic velocity: per component, a sum of the Fourier modes 1 ≤ |k| ≤ modes with normal
 * coefficients decaying like 1/|k|^1.5 (smooth, like PhiFlow's `Noise(smoothness=1.5)`), zero mean, scaled so
 * max|u_c| = amplitude. The exact maximum is what the stability check needs before the run starts, and the
 * scheme's maximum principle keeps it a bound for the whole run. Deterministic in (seed, simulation index).
 */
export function randomInitialCondition(grid: BurgersGrid, options: InitialConditionOptions, seed: number, index: number): Float64Array[] {
  const { modes, amplitude } = options;
  if (!Number.isInteger(modes) || modes < 1) throw new RangeError(`initial-condition modes must be a positive integer, got ${modes}`);
  const components: Float64Array[] = [];
  for (let c = 0; c < grid.dim; c++) {
    const rng = rngFor(seed, 'burgers', 'initial', index, c);
    const field = new Float64Array(grid.cells);
    for (const [kx, ky] of wavenumbers(grid.dim, modes)) {
      const scale = Math.hypot(kx, ky) ** -1.5;
      const a = rng.normal() * scale;
      const b = rng.normal() * scale;
      addMode(grid, field, kx, ky, a, b);
    }
    let max = 0;
    for (const v of field) max = Math.max(max, Math.abs(v));
    for (let i = 0; i < field.length; i++) field[i] *= amplitude / max;
    components.push(field);
  }
  return components;
}

/** One representative per ± pair of wavevectors with 1 ≤ |k| ≤ modes (a cos + b sin covers both signs). */
function wavenumbers(dim: 1 | 2, modes: number): [number, number][] {
  const out: [number, number][] = [];
  if (dim === 1) {
    for (let k = 1; k <= modes; k++) out.push([k, 0]);
    return out;
  }
  for (let kx = 0; kx <= modes; kx++) {
    for (let ky = -modes; ky <= modes; ky++) {
      if (kx === 0 && ky <= 0) continue;
      if (kx * kx + ky * ky <= modes * modes) out.push([kx, ky]);
    }
  }
  return out;
}

function addMode(grid: BurgersGrid, field: Float64Array, kx: number, ky: number, a: number, b: number): void {
  const w = (2 * Math.PI) / grid.length;
  const ny = grid.dim === 1 ? 1 : grid.n;
  for (let i = 0; i < grid.n; i++) {
    for (let j = 0; j < ny; j++) {
      const phase = w * (kx * cellCentre(grid, i) + (grid.dim === 2 ? ky * cellCentre(grid, j) : 0));
      field[i * ny + j] += a * Math.cos(phase) + b * Math.sin(phase);
    }
  }
}
