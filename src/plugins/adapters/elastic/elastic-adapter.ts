import { z } from 'zod';
import { DataContainer, type EpochBatches, type EpochOptions, type SplitName } from '../../../data/container.ts';
import { validate, type KeyContract } from '../../../data/contract.ts';
import { elasticDataset, MASK_KEYS } from '../../../physics/elastic/pinn-dataset.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { DataAdapter, DomainResults, TrainedModel } from '../../../contracts/adapter.ts';
import { StandingWave } from '../../../physics/elastic/standing-wave.ts';
import { elasticFieldMaps } from './elastic-field-maps.ts';

/**
 * Points and analytic targets for the 2D elastic-wave PINN (src/physics/elastic, specs/elastic-pinn.md): Latin
 * hypercube collocation points in the interior, on the boundary and at t = 0, optional interior observations,
 * and a regular test grid as the validation split (its `mask_test` rows let a weight-0 `rel_l2` term report the
 * relative L2 error of the field there).
 *
 * Keys (per point): xyt [n, 3], u_ref [n, 2], v_ref [n, 2], mask_pde / mask_bc / mask_ic / mask_data / mask_test
 * [n, 1]; constants lambda, mu, rho [1] unless provide_material is false (the inverse problem).
 */
export const elasticAdapterParams = z
  .object({
    material: z
      .object({
        lambda: z.number().describe('Lamé λ (≥ 0)').default(2),
        mu: z.number().describe('shear modulus μ (> 0)').default(1),
        rho: z.number().describe('density ρ (> 0)').default(1),
      })
      .strict()
      .prefault({}),
    wave: z
      .object({
        p_amplitude: z.number().default(0.1).describe('amplitude of the standing P potential (displacement ≈ π·a)'),
        s_amplitude: z.number().default(0.1).describe('amplitude of the standing S potential'),
        phase: z.number().default(0.5).describe('phase θ of cos(ωt − θ), radians: a non-zero initial velocity'),
      })
      .strict()
      .prefault({}),
    t_max: z.number().positive().default(0.5).describe('time horizon; the domain is [0, 1]² × [0, t_max]'),
    points: z
      .object({
        interior: z.int().default(2000).describe('PDE collocation points (Latin hypercube)'),
        boundary: z.int().default(400).describe('points on the four edges over [0, t_max]'),
        initial: z.int().default(400).describe('points at t = 0'),
      })
      .strict()
      .prefault({}),
    observations: z.int().min(0).default(0).describe('interior points with observed displacement (mask_data), for an inverse problem'),
    test_grid: z.object({ n: z.int().min(2).default(11).describe('grid points per side'), nt: z.int().min(1).default(6).describe('time levels') }).strict().prefault({}),
    provide_material: z.boolean().default(true).describe('put λ, μ, ρ in the data (false: the loss must give or train them)'),
    seed: z.int().min(0).default(0).describe('seed of the collocation points'),
    resample_every: z.int().min(0).default(0).describe('K > 0: draw new collocation points for the train split every K epochs (round = floor(epoch / K)); 0: one fixed set'),
  })
  .strict();
export type ElasticAdapterParams = z.infer<typeof elasticAdapterParams>;

class ElasticAdapter implements DataAdapter {
  private readonly data: DataContainer;
  private readonly rows: { train: number; test: number };
  /** The most recent resampled round's container: epochs of one round reuse it. */
  private drawn?: { round: number; data: DataContainer };

  constructor(private readonly p: ElasticAdapterParams) {
    this.data = this.draw(0);
    this.rows = { train: this.data.split.train.length, test: this.data.split.validation.length };
  }

  container(): DataContainer {
    return this.data;
  }

  /** The displacement field against the exact wave at t_max, for the run's report. */
  afterTraining(trained: TrainedModel): Promise<DomainResults> {
    const wave = new StandingWave({ ...this.p.wave, material: this.p.material });
    return elasticFieldMaps(wave, this.p.t_max, trained.container, (batch) => trained.forward(batch));
  }

  /** With resample_every K > 0, epoch e trains on collocation round floor(e / K); the test grid never changes. */
  epochBatches(split: SplitName, options: EpochOptions): EpochBatches {
    const K = this.p.resample_every;
    const round = split === 'train' && K > 0 ? Math.floor(options.epoch / K) : 0;
    if (round === 0) return this.data.epoch(split, options);
    if (this.drawn?.round !== round) this.drawn = { round, data: this.draw(round) };
    return this.drawn.data.epoch(split, options);
  }

  /** The points of one collocation round as a container; the test rows come last, so they form the validation split. */
  private draw(round: number): DataContainer {
    const { p } = this;
    const { raw, trainRows, testRows } = elasticDataset(p, 'adapter.params', round);
    const perPoint = (width: number): KeyContract => ({ dtype: 'float64', dims: ['batch', 'vector'], shape: ['n', width] });
    const keys: Record<string, KeyContract> = { xyt: perPoint(3), u_ref: perPoint(2), v_ref: perPoint(2), ...Object.fromEntries(MASK_KEYS.map((k) => [k, perPoint(1)])) };
    if (p.provide_material) for (const k of ['lambda', 'mu', 'rho']) keys[k] = { dtype: 'float64', dims: ['vector'], shape: [1] };
    const validated = validate(raw, { keys });
    return DataContainer.create(validated, 'batch', { validation: testRows / (trainRows + testRows), seed: p.seed, shuffle: false });
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p, resolved: { train_points: this.rows.train, test_points: this.rows.test } };
  }
}

export const elasticAdapter: PluginDefinition<'adapter', ElasticAdapterParams, ElasticAdapter> = {
  kind: 'adapter',
  name: 'elastic',
  description: '2D elastic-wave PINN points (interior/boundary/initial Latin hypercube, test grid) with an analytic standing P+S wave',
  params: elasticAdapterParams,
  create: (p) => new ElasticAdapter(p),
};
