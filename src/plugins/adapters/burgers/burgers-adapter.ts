import { z } from 'zod';
import { DataContainer } from '../../../data/container.ts';
import { validate } from '../../../data/contract.ts';
import type { DataView } from '../../../data/data-view.ts';
import { readNpzFile } from '../../../data/npz.ts';
import { ensureSimulations, readVelocity, VELOCITY_KEY, velocityShape, type BurgersSimParams, type EnsuredSimulations } from '../../../physics/burgers/simulations.ts';
import { SimulationWindows, windowsPerSimulation } from '../../../physics/burgers/window-stream.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { DataAdapter } from '../../../contracts/adapter.ts';

export const burgersAdapterParams = z
  .object({
    dim: z.union([z.literal(1), z.literal(2)]).default(1).describe('1: u(x) on a line; 2: the vector velocity (u, v)(x, y)'),
    resolution: z.int().min(8).max(1024).default(64).describe('cells per side'),
    length: z.number().positive().default(2 * Math.PI).describe('domain side length; the domain is periodic'),
    nu: z.number().min(0).default(0.1).describe('viscosity ν'),
    dt: z.number().positive().default(0.01).describe('solver time step; checked against the CFL bounds before anything runs'),
    substeps: z.int().min(1).default(10).describe('solver steps per stored frame (frame interval = dt·substeps)'),
    steps: z.int().min(1).default(100).describe('stored steps per simulation; the trajectory holds steps + 1 frames'),
    modes: z.int().min(1).default(4).describe('highest wavenumber of the random initial state'),
    amplitude: z.number().positive().default(1).describe('max |u_c| of every initial velocity component'),
    n_sims: z.int().min(1).default(8),
    seed: z.int().min(0).default(0).describe('seed of the initial states (the run seed orders batches)'),
    rollout: z.int().min(1).default(4).describe('R: each sample is the initial state plus R rollout targets (R + 1 frames)'),
    stride: z.int().min(1).default(1).describe('frames between window starts'),
    split: z
      .object({
        test: z.number().min(0).lt(1).default(0.25).describe('fraction of simulations held out (split by simulation, never by window)'),
        seed: z.int().default(0),
      })
      .strict()
      .prefault({}),
    cache_dir: z.string().min(1).default('.cache/burgers').describe('one sim_NNNNNN.npz per simulation, reused when its parameter hash matches'),
    max_resident_sims: z.int().min(1).default(16).describe('simulations kept decoded in memory by the streaming dataset'),
    // Optional without a default, so configs that do not set it keep their resolved tree and hash.
    stream: z.boolean().optional().describe('true: train on windows streamed from the per-simulation files (at most max_resident_sims decoded), for data sets larger than memory'),
  })
  .strict();
export type BurgersAdapterParams = z.infer<typeof burgersAdapterParams>;

/**
 * Viscous Burgers trajectories from seeded random initial states, cached per simulation, cut into sliding
 * windows (initial state + R targets) and split by simulation. Two views of the same samples:
 * `container()` loads every simulation into memory (the adapter contract), `dataset()` streams windows from the
 * per-simulation files batch by batch for data sets larger than memory. Both number, split and order samples the same way.
 */
export class BurgersAdapter implements DataAdapter {
  private readonly sims: EnsuredSimulations;
  private readonly messages: string[] = [];
  private loaded?: DataContainer;

  constructor(private readonly p: BurgersAdapterParams) {
    windowsPerSimulation(p.steps + 1, p.rollout + 1, p.stride); // a window that does not fit fails before anything is generated
    this.sims = ensureSimulations(this.simParams(), p.n_sims, p.cache_dir, (m) => {
      this.messages.push(m);
      console.warn(`burgers adapter: ${m}`);
    });
  }

  simParams(): BurgersSimParams {
    const { dim, resolution, length, nu, dt, substeps, steps, modes, amplitude, seed } = this.p;
    return { dim, resolution, length, nu, dt, substeps, steps, modes, amplitude, seed };
  }

  /** Every simulation in memory, windows along `time`, split by simulation. */
  container(): DataContainer {
    if (this.loaded) return this.loaded;
    const sim = this.simParams();
    const shape = velocityShape(sim);
    const per = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(this.sims.files.length * per);
    this.sims.files.forEach((file, i) => data.set(readVelocity(readNpzFile(file), sim).data as Float32Array, i * per));
    const dims = sim.dim === 1 ? ['batch', 'time', 'x', 'vector'] : ['batch', 'time', 'x', 'y', 'vector'];
    const source = this.source();
    const raw = { source, attrs: {}, arrays: new Map([[VELOCITY_KEY, { dtype: 'float32' as const, shape: [this.sims.files.length, ...shape], dims, data }]]) };
    const validated = validate(raw, { keys: { [VELOCITY_KEY]: { dtype: 'float32', dims } } });
    this.loaded = DataContainer.create(validated, 'batch', { validation: this.p.split.test, seed: this.p.split.seed, shuffle: true }, {
      dim: 'time',
      size: this.p.rollout + 1,
      stride: this.p.stride,
    });
    return this.loaded;
  }

  /** What training reads: the streamed windows with `stream: true`, the in-memory container otherwise. */
  view(): DataView {
    return this.p.stream ? this.dataset() : this.container();
  }

  /** The same windows, streamed from the per-simulation files (see SimulationWindows). */
  dataset(): SimulationWindows {
    return new SimulationWindows({
      source: this.source(),
      files: this.sims.files,
      params: this.simParams(),
      windowSize: this.p.rollout + 1,
      stride: this.p.stride,
      split: { validation: this.p.split.test, seed: this.p.split.seed },
      maxResidentSims: this.p.max_resident_sims,
    });
  }

  private source(): string {
    return `burgers simulations in ${this.p.cache_dir}`;
  }

  effectiveSettings(): Record<string, unknown> {
    const stream = this.dataset();
    return {
      ...this.p,
      resolved: {
        frames: this.p.steps + 1,
        frameInterval: this.p.dt * this.p.substeps,
        windowsPerSim: stream.windowsPerSim,
        simulations: { train: [...stream.simulations.train], test: [...stream.simulations.validation] },
        samples: { train: stream.split.train.length, test: stream.split.validation.length },
        cache: { ...this.sims.outcomes, messages: [...this.messages] },
      },
    };
  }
}

export const burgersAdapter: PluginDefinition<'adapter', BurgersAdapterParams, BurgersAdapter> = {
  kind: 'adapter',
  name: 'burgers',
  description: 'Viscous Burgers (1D or 2D vector) trajectories from seeded random initial states, cached per simulation, as rollout windows split by simulation',
  params: burgersAdapterParams,
  create: (p) => new BurgersAdapter(p),
};
