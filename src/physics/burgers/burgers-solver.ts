import { BurgersRhs } from './burgers-rhs.ts';
import type { BurgersGrid } from './grid.ts';
import { checkStability } from './stability.ts';

/**
 * Bumped whenever a change to the scheme changes the numbers it produces: it is part of the cache hash, so
 * cached simulations from an older scheme are regenerated instead of silently reused.
 */
export const BURGERS_SOLVER_VERSION = 'burgers-muscl-vanleer-rusanov-ssprk3/1';

export interface BurgersRunOptions {
  readonly nu: number;
  /** Solver time step. */
  readonly dt: number;
  /** Solver steps between stored frames (the frame interval is dt·substeps). */
  readonly substeps: number;
  /** Stored steps: the trajectory has steps + 1 frames, the first being the initial state. */
  readonly steps: number;
}

/**
 * Integrates viscous Burgers with the method of lines: the spatial operator of burgers-rhs.ts (second order in
 * space where the solution is smooth) and the three-stage, third-order strong-stability-preserving Runge-Kutta
 * method of Shu & Osher (SSP-RK3), so the whole scheme is second order, limited by space. The step's stability
 * bounds are checked before the first step (stability.ts); `where` names the caller in that error.
 *
 * Returns the trajectory as float32 in the layout (time, x[, y], vector).
 */
export function simulateBurgers(grid: BurgersGrid, initial: readonly Float64Array[], options: BurgersRunOptions, where: string): Float32Array {
  const { nu, dt, substeps, steps } = options;
  if (!(nu >= 0)) throw new RangeError(`${where}: viscosity nu must be ≥ 0, got ${nu}`);
  if (!(dt > 0)) throw new RangeError(`${where}: dt must be positive, got ${dt}`);
  if (!Number.isInteger(substeps) || substeps < 1 || !Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`${where}: substeps must be a positive integer and steps a non-negative integer, got ${substeps} and ${steps}`);
  }
  if (initial.length !== grid.dim || initial.some((c) => c.length !== grid.cells)) {
    throw new RangeError(`${where}: the initial state needs ${grid.dim} component(s) of ${grid.cells} cells`);
  }
  checkStability(grid, nu, dt, initial.map(maxAbs), where);
  const stepper = new SspRk3(grid, nu);
  const u = initial.map((c) => Float64Array.from(c));
  const out = new Float32Array((steps + 1) * grid.cells * grid.dim);
  store(u, out, 0, grid);
  for (let frame = 1; frame <= steps; frame++) {
    for (let s = 0; s < substeps; s++) stepper.step(u, dt);
    if (!u.every((c) => c.every(Number.isFinite))) {
      throw new Error(`${where}: the Burgers solution became non-finite at frame ${frame} although the stability bounds hold; please report this with the parameters`);
    }
    store(u, out, frame, grid);
  }
  return out;
}

/** Advances `u` in place by `steps` solver steps of size dt, without storing frames (for convergence studies). */
export function advanceBurgers(grid: BurgersGrid, u: Float64Array[], nu: number, dt: number, steps: number, where: string): void {
  checkStability(grid, nu, dt, u.map(maxAbs), where);
  const stepper = new SspRk3(grid, nu);
  for (let s = 0; s < steps; s++) stepper.step(u, dt);
}

class SspRk3 {
  private readonly rhs: BurgersRhs;
  private readonly k: Float64Array[];
  private readonly stage: Float64Array[];

  constructor(grid: BurgersGrid, nu: number) {
    this.rhs = new BurgersRhs(grid, nu);
    this.k = Array.from({ length: grid.dim }, () => new Float64Array(grid.cells));
    this.stage = Array.from({ length: grid.dim }, () => new Float64Array(grid.cells));
  }

  /** u1 = u + dt·L(u); u2 = ¾u + ¼(u1 + dt·L(u1)); u ← ⅓u + ⅔(u2 + dt·L(u2)). */
  step(u: Float64Array[], dt: number): void {
    const { k, stage, rhs } = this;
    rhs.apply(u, k);
    for (let c = 0; c < u.length; c++) for (let i = 0; i < u[c].length; i++) stage[c][i] = u[c][i] + dt * k[c][i];
    rhs.apply(stage, k);
    for (let c = 0; c < u.length; c++) for (let i = 0; i < u[c].length; i++) stage[c][i] = 0.75 * u[c][i] + 0.25 * (stage[c][i] + dt * k[c][i]);
    rhs.apply(stage, k);
    for (let c = 0; c < u.length; c++) for (let i = 0; i < u[c].length; i++) u[c][i] = u[c][i] / 3 + (2 / 3) * (stage[c][i] + dt * k[c][i]);
  }
}

function store(u: readonly Float64Array[], out: Float32Array, frame: number, grid: BurgersGrid): void {
  const base = frame * grid.cells * grid.dim;
  for (let i = 0; i < grid.cells; i++) for (let c = 0; c < grid.dim; c++) out[base + i * grid.dim + c] = u[c][i];
}

export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}
