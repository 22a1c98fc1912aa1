import { join } from 'node:path';
import { validate, type ValidatedData } from '../../data/contract.ts';
import { rngFor } from '../../data/rng.ts';
import { generationHash, loadOrGenerate, type CacheOutcome } from '../cache.ts';
import { DARCY_SOLVER_VERSION, solveDarcy } from './darcy-solver.ts';
import { samplePermeability, type PermeabilityOptions } from './permeability.ts';

/** Everything that determines a Darcy data set's numbers. */
export interface DarcyDataParams {
  readonly resolution: number;
  readonly n_train: number;
  readonly n_test: number;
  readonly seed: number;
  readonly permeability: PermeabilityOptions;
  /** The constant source f (PhysicsNeMo: 1.0). */
  readonly source: number;
  readonly tolerance: number;
}

/** Per sample: `permeability` and `darcy` (the pressure u), both [batch, channel=1, x, y] like PhysicsNeMo's [B, 1, res, res]. */
export const DARCY_DIMS = ['batch', 'channel', 'x', 'y'];

export interface DarcySolverStats {
  readonly meanIterations: number;
  readonly maxIterations: number;
  readonly maxRelativeResidual: number;
  readonly seconds: number;
}

/**
 * Samples 0..n_train−1 are the training split and the next n_test the test split. Sample i draws its permeability
 * from rngFor(seed, 'darcy', 'permeability', i), so it does not depend on how many samples are asked for.
 */
export function generateDarcy(p: DarcyDataParams, where: string): { permeability: Float32Array; darcy: Float32Array; stats: DarcySolverStats } {
  const n = p.resolution;
  const count = p.n_train + p.n_test;
  const permeability = new Float32Array(count * n * n);
  const darcy = new Float32Array(count * n * n);
  let iterations = 0;
  let maxIterations = 0;
  let maxRelativeResidual = 0;
  const start = performance.now();
  for (let s = 0; s < count; s++) {
    const k = samplePermeability(n, p.permeability, rngFor(p.seed, 'darcy', 'permeability', s));
    const solution = solveDarcy(n, k, p.source, { tolerance: p.tolerance }, `${where}, sample ${s}`);
    permeability.set(k, s * n * n);
    darcy.set(solution.u, s * n * n);
    iterations += solution.iterations;
    maxIterations = Math.max(maxIterations, solution.iterations);
    maxRelativeResidual = Math.max(maxRelativeResidual, solution.relativeResidual);
  }
  const stats = { meanIterations: iterations / count, maxIterations, maxRelativeResidual, seconds: (performance.now() - start) / 1000 };
  return { permeability, darcy, stats };
}

export interface CachedDarcy {
  readonly data: ValidatedData;
  readonly path: string;
  readonly outcome: CacheOutcome;
  readonly solver: DarcySolverStats;
}

/**
 * The data set from `cacheDir/darcy-<hash>.npz`, generated when absent, and regenerated (with a message through
 * `log`) when the file is corrupt or was made from other parameters. The file is checked against its contract.
 */
export function loadOrGenerateDarcy(p: DarcyDataParams, cacheDir: string, log: (message: string) => void): CachedDarcy {
  // Field by field in a fixed order, so the hash does not depend on how the caller ordered its keys.
  const { frequencies, low, high, threshold } = p.permeability;
  const generating = {
    solver: DARCY_SOLVER_VERSION,
    resolution: p.resolution,
    n_train: p.n_train,
    n_test: p.n_test,
    seed: p.seed,
    permeability: { frequencies, low, high, threshold },
    source: p.source,
    tolerance: p.tolerance,
  };
  const path = join(cacheDir, `darcy-${generationHash(generating).slice(0, 16)}.npz`);
  const n = p.resolution;
  const count = p.n_train + p.n_test;
  const shape = [count, 1, n, n];
  const cached = loadOrGenerate(
    path,
    generating,
    () => {
      const made = generateDarcy(p, path);
      return {
        arrays: {
          permeability: { dtype: 'float32', shape, dims: DARCY_DIMS, data: made.permeability },
          darcy: { dtype: 'float32', shape, dims: DARCY_DIMS, data: made.darcy },
        },
        attrs: { solverStats: made.stats },
      };
    },
    log,
  );
  const data = validate(cached.data, {
    keys: {
      permeability: { dtype: 'float32', dims: DARCY_DIMS, shape },
      darcy: { dtype: 'float32', dims: DARCY_DIMS, shape },
    },
  });
  return { data, path, outcome: cached.outcome, solver: cached.data.attrs.solverStats as DarcySolverStats };
}
