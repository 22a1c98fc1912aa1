import type { BurgersGrid } from './grid.ts';

/**
 * Time-step bounds of the explicit Burgers scheme, checked before a simulation runs.
 *
 * Forward Euler with the MUSCL/van Leer advection is total-variation diminishing for an advective Courant number
 * dt·Σ_d max|u_d|/dx ≤ 1/2, and the central Laplacian obeys the maximum principle for ν·dt·Σ_d 1/dx² ≤ 1/2
 * (1D: ν·dt/dx² ≤ 1/2; 2D: ν·dt·(1/dx² + 1/dy²) ≤ 1/2). Splitting one Euler step into a convex combination of the
 * two gives the combined bound 2·advective + 2·diffusive ≤ 1, and SSP-RK3 inherits it (SSP coefficient 1).
 * Under it the discrete maximum principle holds, so max|u_d| never grows: the initial maxima bound the whole run.
 */
export const ADVECTIVE_LIMIT = 0.5;
export const DIFFUSIVE_LIMIT = 0.5;

export interface StabilityNumbers {
  /** dt·Σ_d max|u_d|/dx. */
  readonly advective: number;
  /** ν·dt·Σ_d 1/dx². */
  readonly diffusive: number;
  /** advective/ADVECTIVE_LIMIT + diffusive/DIFFUSIVE_LIMIT; must be ≤ 1. */
  readonly combined: number;
  /** The largest dt meeting every bound. */
  readonly maxDt: number;
}

export class BurgersStabilityError extends Error {
  constructor(
    message: string,
    readonly bound: 'advective' | 'diffusive' | 'combined',
    readonly numbers: StabilityNumbers,
    readonly suggestedDt: number,
  ) {
    super(message);
    this.name = 'BurgersStabilityError';
  }
}

export function stabilityNumbers(grid: BurgersGrid, nu: number, dt: number, maxSpeed: readonly number[]): StabilityNumbers {
  const speedOverDx = maxSpeed.reduce((s, a) => s + Math.abs(a), 0) / grid.dx;
  const nuOverDx2 = (nu * grid.dim) / (grid.dx * grid.dx);
  const advective = dt * speedOverDx;
  const diffusive = dt * nuOverDx2;
  return {
    advective,
    diffusive,
    combined: advective / ADVECTIVE_LIMIT + diffusive / DIFFUSIVE_LIMIT,
    maxDt: 1 / (speedOverDx / ADVECTIVE_LIMIT + nuOverDx2 / DIFFUSIVE_LIMIT),
  };
}

/**
 * Throws a BurgersStabilityError naming the violated bound, its numbers and a dt that satisfies all of them
 * (90% of the largest stable dt, rounded down to 3 significant digits). `maxSpeed[d]` is max|u_d| of the initial state.
 */
export function checkStability(grid: BurgersGrid, nu: number, dt: number, maxSpeed: readonly number[], where: string): StabilityNumbers {
  const s = stabilityNumbers(grid, nu, dt, maxSpeed);
  if (s.combined <= 1) return s;
  const suggestedDt = roundDown(0.9 * s.maxDt);
  const fix = `use dt ≤ ${suggestedDt} (the largest stable dt is ${s.maxDt.toPrecision(4)}); to keep the frame interval, raise substeps by the same factor`;
  const dxs = grid.dim === 1 ? 'dx' : 'dx = dy';
  const speeds = grid.dim === 1 ? `u_max = ${fmt(maxSpeed[0])}` : `max|u| = ${fmt(maxSpeed[0])}, max|v| = ${fmt(maxSpeed[1])}`;
  let bound: BurgersStabilityError['bound'];
  let detail: string;
  if (s.advective > ADVECTIVE_LIMIT) {
    bound = 'advective';
    const formula = grid.dim === 1 ? 'u_max·dt/dx' : 'dt·(max|u|/dx + max|v|/dy)';
    detail = `the advective CFL bound ${formula} ≤ ${ADVECTIVE_LIMIT} is violated: ${fmt(s.advective)} with ${speeds}, dt = ${dt}, ${dxs} = ${fmt(grid.dx)}`;
  } else if (s.diffusive > DIFFUSIVE_LIMIT) {
    bound = 'diffusive';
    const formula = grid.dim === 1 ? 'ν·dt/dx²' : 'ν·dt·(1/dx² + 1/dy²)';
    detail = `the diffusive bound ${formula} ≤ ${DIFFUSIVE_LIMIT} is violated: ${fmt(s.diffusive)} with ν = ${nu}, dt = ${dt}, ${dxs} = ${fmt(grid.dx)}`;
  } else {
    bound = 'combined';
    detail =
      `the combined bound advective/${ADVECTIVE_LIMIT} + diffusive/${DIFFUSIVE_LIMIT} ≤ 1 is violated: ${fmt(s.combined)} ` +
      `(advective CFL ${fmt(s.advective)} with ${speeds}; diffusive number ${fmt(s.diffusive)} with ν = ${nu}; dt = ${dt}, ${dxs} = ${fmt(grid.dx)})`;
  }
  throw new BurgersStabilityError(`${where}: the explicit Burgers step would be unstable: ${detail}. Nothing was run; ${fix}`, bound, s, suggestedDt);
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

function roundDown(x: number): number {
  const scale = 10 ** (Math.floor(Math.log10(x)) - 2);
  return Number((Math.floor(x / scale) * scale).toPrecision(3));
}
