import type { RawArray, RawData } from '../../data/raw-data.ts';
import { collocationPoints, testGrid, latinHypercube, type CollocationCounts } from './collocation.ts';
import { checkMaterial, type Material } from './material.ts';
import { StandingWave, type StandingWaveOptions } from './standing-wave.ts';
import { rngFor } from '../../data/rng.ts';

/**
 * The elastic PINN's whole data set as ONE table of points, so the network runs once per step: rows (x, y, t) with
 * the analytic displacement and velocity there, and a 0/1 mask column per role. Row order: interior (PDE),
 * boundary (Dirichlet BC from the analytic field), initial (t = 0: displacement and velocity), observations
 * (interior points whose displacement a `data` term may fit: the inverse problem), then the test grid. The test
 * rows come last so they form the validation split; the train rows never include them.
 */
export interface ElasticDatasetOptions {
  readonly wave: Omit<StandingWaveOptions, 'material'>;
  readonly material: Material;
  readonly t_max: number;
  readonly points: CollocationCounts;
  /** Interior points with observed displacements (0: none). */
  readonly observations: number;
  readonly test_grid: { readonly n: number; readonly nt: number };
  /** Put λ, μ, ρ in the data as constants (an inverse problem leaves them out: they are what it recovers). */
  readonly provide_material: boolean;
  readonly seed: number;
}

export const MASK_KEYS = ['mask_pde', 'mask_bc', 'mask_ic', 'mask_data', 'mask_test'] as const;

/** `round` > 0 draws another set of collocation points (resampling); observations and the test grid stay fixed. */
export function elasticDataset(o: ElasticDatasetOptions, where = 'adapter.params', round = 0): { raw: RawData; trainRows: number; testRows: number } {
  checkMaterial(o.material, `${where}.material`);
  const sets = collocationPoints(o.points, o.t_max, o.seed, round, `${where}.points`);
  const observed = latinHypercube(o.observations, 3, rngFor(o.seed, 'elastic', 'observations'));
  for (let i = 0; i < o.observations; i++) observed[3 * i + 2] *= o.t_max;
  const grid = testGrid(o.test_grid.n, o.test_grid.nt, o.t_max);
  const groups = [sets.interior, sets.boundary, sets.initial, observed, grid];
  const rows = groups.reduce((n, g) => n + g.length / 3, 0);

  const wave = new StandingWave({ ...o.wave, material: o.material });
  const xyt = new Float64Array(rows * 3);
  const uRef = new Float64Array(rows * 2);
  const vRef = new Float64Array(rows * 2);
  const masks = MASK_KEYS.map(() => new Float64Array(rows));
  let r = 0;
  groups.forEach((points, group) => {
    for (let i = 0; i < points.length / 3; i++, r++) {
      const [x, y, t] = [points[3 * i], points[3 * i + 1], points[3 * i + 2]];
      xyt.set([x, y, t], 3 * r);
      uRef.set(wave.displacement(x, y, t), 2 * r);
      vRef.set(wave.velocity(x, y, t), 2 * r);
      masks[group][r] = 1;
    }
  });
  const arrays = new Map<string, RawArray>([
    ['xyt', { dtype: 'float64', shape: [rows, 3], data: xyt }],
    ['u_ref', { dtype: 'float64', shape: [rows, 2], data: uRef }],
    ['v_ref', { dtype: 'float64', shape: [rows, 2], data: vRef }],
    ...MASK_KEYS.map((k, i): [string, RawArray] => [k, { dtype: 'float64', shape: [rows, 1], data: masks[i] }]),
  ]);
  if (o.provide_material) {
    for (const [k, v] of Object.entries(o.material)) arrays.set(k, { dtype: 'float64', shape: [1], data: Float64Array.of(v) });
  }
  const testRows = grid.length / 3;
  return {
    raw: { source: `analytic elastic standing wave (seed ${o.seed})`, arrays, attrs: { omega_p: wave.omegaP, omega_s: wave.omegaS } },
    trainRows: rows - testRows,
    testRows,
  };
}
