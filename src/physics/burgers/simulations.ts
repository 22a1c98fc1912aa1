import { join } from 'node:path';
import { validate, type ValidatedArray } from '../../data/contract.ts';
import type { RawData } from '../../data/raw-data.ts';
import { loadOrGenerate, type CacheOutcome } from '../cache.ts';
import { BURGERS_SOLVER_VERSION, simulateBurgers } from './burgers-solver.ts';
import { burgersGrid, type BurgersGrid } from './grid.ts';
import { randomInitialCondition } from './initial-condition.ts';
import { checkStability } from './stability.ts';

/** Everything that determines one Burgers trajectory besides its index. */
export interface BurgersSimParams {
  readonly dim: 1 | 2;
  readonly resolution: number;
  readonly length: number;
  readonly nu: number;
  readonly dt: number;
  readonly substeps: number;
  readonly steps: number;
  readonly modes: number;
  readonly amplitude: number;
  readonly seed: number;
}

/** The stored field: key, and dims in stored order. */
export const VELOCITY_KEY = 'velocity';

export function velocityDims(dim: 1 | 2): string[] {
  return dim === 1 ? ['time', 'x', 'vector'] : ['time', 'x', 'y', 'vector'];
}

export function velocityShape(p: BurgersSimParams): number[] {
  return p.dim === 1 ? [p.steps + 1, p.resolution, 1] : [p.steps + 1, p.resolution, p.resolution, 2];
}

export function simulationPath(dir: string, index: number): string {
  return join(dir, `sim_${String(index).padStart(6, '0')}.npz`);
}

export function gridOf(p: BurgersSimParams): BurgersGrid {
  return burgersGrid(p.dim, p.resolution, p.length);
}

export interface EnsuredSimulations {
  readonly files: string[];
  readonly outcomes: Record<CacheOutcome, number>;
}

/**
 * Makes sure `cacheDir` holds simulations 0..count-1 for these parameters, generating (or regenerating) only the
 * missing, stale or corrupt ones. The stability bounds are checked once, before anything runs: every initial
 * state has max|u_c| = amplitude exactly, and the scheme's maximum principle keeps it so.
 */
export function ensureSimulations(p: BurgersSimParams, count: number, cacheDir: string, log: (message: string) => void): EnsuredSimulations {
  const grid = gridOf(p);
  checkStability(grid, p.nu, p.dt, Array(p.dim).fill(p.amplitude), `burgers (cache ${cacheDir})`);
  const outcomes: Record<CacheOutcome, number> = { reused: 0, generated: 0, 'regenerated-stale': 0, 'regenerated-corrupt': 0 };
  const files: string[] = [];
  for (let index = 0; index < count; index++) {
    const path = simulationPath(cacheDir, index);
    const generating = generatingParams(p, index);
    const generate = () => {
      const initial = randomInitialCondition(grid, p, p.seed, index);
      const data = simulateBurgers(grid, initial, p, path);
      return { arrays: { [VELOCITY_KEY]: { dtype: 'float32' as const, shape: velocityShape(p), dims: velocityDims(p.dim), data } } };
    };
    const cached = loadOrGenerate(path, generating, generate, log);
    // A reused file must also hold the field as promised; a hash match with a broken body is reported, not trusted.
    readVelocity(cached.data, p);
    outcomes[cached.outcome]++;
    files.push(path);
  }
  return { files, outcomes };
}

/** What determines simulation `index`, field by field in a fixed order (its cache hash input). */
export function generatingParams(p: BurgersSimParams, index: number): Record<string, unknown> {
  const { dim, resolution, length, nu, dt, substeps, steps, modes, amplitude, seed } = p;
  return { solver: BURGERS_SOLVER_VERSION, dim, resolution, length, nu, dt, substeps, steps, modes, amplitude, seed, index };
}

/** The velocity field of one simulation file, checked against the expected dims and shape. */
export function readVelocity(raw: RawData, p: BurgersSimParams): ValidatedArray {
  const validated = validate(raw, { keys: { [VELOCITY_KEY]: { dtype: 'float32', dims: velocityDims(p.dim), shape: velocityShape(p) } } });
  return validated.arrays.get(VELOCITY_KEY)!;
}
