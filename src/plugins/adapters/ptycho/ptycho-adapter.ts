import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { DataContainer } from '../../../data/container.ts';
import type { ValidatedArray, ValidatedData } from '../../../data/contract.ts';
import { namedTensor } from '../../../data/named-tensor.ts';
import { readNpzFile } from '../../../data/npz.ts';
import { fromComplex64 } from '../../../physics/ptycho/complex-plane.ts';
import { groupPlacement, type Placement } from '../../../physics/ptycho/placement.ts';
import { writeSimulatedPtycho } from '../../../physics/ptycho/simulate.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { DataAdapter, DomainResults, TrainedModel } from '../../../contracts/adapter.ts';
import { reconstructionPlots } from './ptycho-plots.ts';
import { buildPtychoContainer, writeGroups, type PtychoDataContainer } from './ptycho-container.ts';
import { validatePtychoRaw } from './ptycho-raw.ts';
import { writeReconstruction, type PtychoMetrics } from './ptycho-results.ts';
import { simulationSchema } from './simulation-schema.ts';

export const ptychoAdapterParams = z
  .object({
    path: z.string().min(1).describe('the RawData .npz (upstream contract: xcoords, ycoords, diff3d or diffraction, probeGuess, objectGuess …)'),
    simulate: simulationSchema.optional().describe('write `path` with the simulator first, unless it already holds a simulation with these exact settings'),
    nphotons: z.number().positive().optional().describe('incident photons per pattern; default: the file metadata (a mismatch only warns, as upstream)'),
    gridsize: z.int().min(1).max(4).default(1).describe('groups of gridsize² neighbouring scan positions, as channels'),
    n_groups: z.int().positive().default(256),
    neighbor_count: z.int().positive().default(4).describe('K: the nearest neighbours a group draws its partners from'),
    enable_oversampling: z.boolean().default(false).describe('allow n_groups above the number of scan positions (gridsize > 1)'),
    sequential_sampling: z.boolean().default(false),
    test_fraction: z.number().min(0).lt(1).default(0.2).describe('held-out groups (the validation split)'),
    seed: z.int().min(0).default(0).describe('seed of the grouping and the split'),
    stitch_crop: z.int().positive().optional().describe('central pixels of each predicted patch used for stitching (upstream M); default N/2'),
    stitch_align_phase: z.boolean().default(true).describe('rotate each patch to the phase of its overlap with the canvas before averaging (no ground truth used)'),
  })
  .strict();
export type PtychoAdapterParams = z.infer<typeof ptychoAdapterParams>;

/** Data keys handed to training. */
export const PTYCHO_KEYS = { input: 'X', counts: 'counts', probe: 'probe', placeRows: 'place_rows', placeCols: 'place_cols' } as const;

/**
 * Ptychography from the upstream RawData .npz (docs/reference/seed-systems.md §1.1–1.3), optionally simulated first. The training
 * container holds per group `X` (normalised amplitudes, the network input) and `counts` (the Poisson NLL target),
 * both (batch, x, y, channel), and the constant `probe` (x, y, complex): probeGuess · sqrt(photon scale) / N, so
 * the model's |DFT2(probe · O)|² is directly the expected count (photon scale = nphotons / Σ|probeGuess|²).
 * After training it stitches the predicted object and scores it against objectGuess (ptycho-results.ts).
 */
export class PtychoAdapter implements DataAdapter {
  readonly ptycho: PtychoDataContainer;
  readonly warnings: string[] = [];
  private readonly validated: ValidatedData;
  private readonly data: DataContainer;
  private readonly nphotons: number;
  private readonly simulated: 'written' | 'reused' | 'none';
  private metrics?: PtychoMetrics;
  private placement?: Placement;

  constructor(private readonly p: PtychoAdapterParams) {
    this.simulated = p.simulate ? ensureSimulated(p) : 'none';
    const raw = readNpzFile(p.path);
    this.validated = validatePtychoRaw(raw, (m) => this.warn(m)).data;
    this.nphotons = this.photons(raw.attrs);
    try {
      this.ptycho = buildPtychoContainer(this.validated, {
        gridsize: p.gridsize,
        nGroups: p.n_groups,
        neighbours: p.neighbor_count,
        seed: p.seed,
        sequential: p.sequential_sampling,
        oversampling: p.enable_oversampling,
      });
    } catch (e) {
      // Grouping speaks in upstream's setting names; say where they live in the config.
      if (e instanceof RangeError) throw new RangeError(`adapter.params (grouping ${p.path}): ${e.message}`);
      throw e;
    }
    this.data = DataContainer.create(this.trainingArrays(), 'batch', { validation: p.test_fraction, seed: p.seed, shuffle: true });
  }

  container(): DataContainer {
    return this.data;
  }

  async afterTraining(trained: TrainedModel): Promise<DomainResults> {
    writeGroups(join(trained.runDir, 'ptycho_groups.npz'), this.ptycho, trained.container.split);
    const object = this.validated.arrays.get('objectGuess');
    if (!object) {
      const line = 'ptycho: the data has no objectGuess, so the reconstruction is not scored';
      return { line, rows: [['reconstruction', line]], plots: [] };
    }
    const x = this.validated.arrays.get('xcoords')!.data as Float64Array;
    const y = this.validated.arrays.get('ycoords')!.data as Float64Array;
    const plane = fromComplex64(object.data as Float32Array);
    const { metrics: m, fields } = await writeReconstruction(
      { container: this.ptycho, data: trained.container, x, y, object: { plane, rows: object.shape[0], cols: object.shape[1] }, keep: this.p.stitch_crop ?? this.ptycho.N / 2, alignPhase: this.p.stitch_align_phase, forward: trained.forward },
      trained.runDir,
    );
    this.metrics = m;
    const f = (v: number) => v.toPrecision(4);
    return {
      line: `ptycho reconstruction (comparison_metrics.csv, reconstruction.png, ptycho_groups.npz): amplitude MAE ${f(m.amplitude.mae)}, PSNR ${f(m.amplitude.psnr)} dB, FRC(1/7) ${f(m.amplitude.frc)}; phase MAE ${f(m.phase.mae)} rad, PSNR ${f(m.phase.psnr)} dB, FRC(1/7) ${f(m.phase.frc)} over ${m.pixels} pixels`,
      rows: [
        ['reconstruction amplitude', `MAE ${f(m.amplitude.mae)}, PSNR ${f(m.amplitude.psnr)} dB, FRC(1/7) ${f(m.amplitude.frc)} of Nyquist`],
        ['reconstruction phase', `MAE ${f(m.phase.mae)} rad, PSNR ${f(m.phase.psnr)} dB, FRC(1/7) ${f(m.phase.frc)} of Nyquist (global offset ${f(m.phaseOffset)} rad removed)`],
        ['pixels scored', `${m.pixels} (covered by the scan)`],
      ],
      plots: reconstructionPlots('ptycho', fields),
    };
  }

  effectiveSettings(): Record<string, unknown> {
    const c = this.ptycho;
    return {
      ...this.p,
      resolved: {
        N: c.N,
        channels: c.channels,
        groups: c.count,
        scanPositions: this.validated.sizes.n,
        object: this.validated.sizes.H === undefined ? null : [this.validated.sizes.H, this.validated.sizes.W],
        nphotons: this.nphotons,
        normFactor: c.normFactor,
        intensityScale: c.intensityScale,
        samples: { train: this.data.split.train.length, test: this.data.split.validation.length },
        canvas: this.placement ? { pad: this.placement.pad, size: this.placement.size } : null,
        simulated: this.simulated,
        warnings: [...this.warnings],
        ...(this.metrics ? { metrics: this.metrics } : {}),
      },
    };
  }

  private warn(message: string): void {
    this.warnings.push(message);
    console.warn(`ptycho adapter: ${message}`);
  }

  /** nphotons from the config, else from the file's metadata; a disagreement warns (upstream _metadata behaviour). */
  private photons(attrs: Readonly<Record<string, unknown>>): number {
    const stored = typeof attrs.nphotons === 'number' ? attrs.nphotons : undefined;
    const chosen = this.p.nphotons ?? stored;
    if (chosen === undefined) throw new Error(`adapter.params.nphotons is not set and ${this.p.path} records none in its metadata; set adapter.params.nphotons to the incident photons per pattern`);
    if (stored !== undefined && stored !== chosen) this.warn(`adapter.params.nphotons ${chosen} differs from the ${stored} recorded in ${this.p.path}; using ${chosen}`);
    return chosen;
  }

  private trainingArrays(): ValidatedData {
    const c = this.ptycho;
    const n = c.N;
    const perGroup = [c.count, n, n, c.channels];
    const dims = ['batch', 'x', 'y', 'channel'];
    let power = 0;
    for (let i = 0; i < n * n; i++) power += c.probe.re[i] ** 2 + c.probe.im[i] ** 2;
    const scale = Math.sqrt(this.nphotons / power) / n;
    const probe = new Float32Array(2 * n * n);
    for (let i = 0; i < n * n; i++) [probe[2 * i], probe[2 * i + 1]] = [scale * c.probe.re[i], scale * c.probe.im[i]];
    const arrays = new Map<string, ValidatedArray>([
      [PTYCHO_KEYS.input, { ...namedTensor('float32', perGroup, dims, c.X), units: 'normalised amplitude' }],
      [PTYCHO_KEYS.counts, { ...namedTensor('float32', perGroup, dims, c.counts), units: 'photons' }],
      [PTYCHO_KEYS.probe, namedTensor('float32', [n, n, 2], ['x', 'y', 'complex'], probe)],
    ]);
    if (c.channels > 1) {
      const x = this.validated.arrays.get('xcoords')!.data as Float64Array;
      const y = this.validated.arrays.get('ycoords')!.data as Float64Array;
      const place = (this.placement = groupPlacement(c.nnIndices, c.channels, x, y, n));
      const shape = [c.count, c.channels, place.size, n];
      arrays.set(PTYCHO_KEYS.placeRows, namedTensor('float32', shape, ['batch', 'channel', 'canvas', 'x'], place.rows));
      arrays.set(PTYCHO_KEYS.placeCols, namedTensor('float32', shape, ['batch', 'channel', 'canvas', 'y'], place.cols));
    }
    return {
      source: this.p.path,
      sizes: this.validated.sizes,
      ignoredKeys: this.validated.ignoredKeys,
      attrs: this.validated.attrs,
      arrays,
    };
  }
}

/** Writes the simulated file unless it already holds exactly these settings. */
function ensureSimulated(p: PtychoAdapterParams): 'written' | 'reused' {
  const settings = p.simulate!;
  if (existsSync(p.path)) {
    const stored = readNpzFile(p.path).attrs.settings;
    if (JSON.stringify(stored) === JSON.stringify(settings)) return 'reused';
  }
  mkdirSync(dirname(resolve(p.path)), { recursive: true });
  writeSimulatedPtycho(p.path, settings);
  return 'written';
}

export const ptychoAdapter: PluginDefinition<'adapter', PtychoAdapterParams, PtychoAdapter> = {
  kind: 'adapter',
  name: 'ptycho',
  description: 'Ptychography RawData .npz (upstream contract; optionally simulated), grouped by nearest neighbours into gridsize² channels, normalised as upstream',
  params: ptychoAdapterParams,
  create: (p) => new PtychoAdapter(p),
};
