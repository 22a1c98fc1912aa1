import type { NpzEntry } from '../../data/npz.ts';
import { writeNpzFile } from '../../data/npz.ts';
import { rngFor } from '../../data/rng.ts';
import { toComplex64 } from './complex-plane.ts';
import { fft2, fftshift2, isPowerOfTwo, type ComplexPlane } from './fft.ts';
import { makeObject, makeProbe, rasterPositions, type ProbeSpec } from './object-probe.ts';
import { cutPatch } from './patches.ts';
import { samplePoisson } from './poisson.ts';

/** What the simulator takes (the adapter's `simulate:` section). */
export interface PtychoSimulation {
  readonly seed: number;
  /** Object side in pixels. */
  readonly object_size: number;
  /** Diffraction pattern (and probe) side N, a power of two. */
  readonly N: number;
  /** Raster step between scan positions, pixels. */
  readonly step: number;
  /** Uniform integer jitter of each position, ±pixels. */
  readonly jitter: number;
  /** Expected photons per pattern for a fully transmitting object (the incident flux). */
  readonly nphotons: number;
  readonly probe: Omit<ProbeSpec, 'size'>;
  readonly amplitude: readonly [number, number];
  readonly phase_range: number;
  /** Highest spatial frequency of the object, cycles across the object. */
  readonly max_cycles: number;
}

export interface SimulatedPtycho {
  readonly object: ComplexPlane;
  readonly probe: ComplexPlane;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** (M, N, N) measured amplitude sqrt(counts), zero frequency centred. */
  readonly amplitude: Float32Array;
  /** counts = Poisson(scale · |FFT2(P·O)|² / N²), scale = nphotons / Σ|P|². */
  readonly photonScale: number;
}

/** Why these settings cannot be simulated, or undefined. */
export function simulationProblem(s: PtychoSimulation): string | undefined {
  if (!isPowerOfTwo(s.N)) return `N is ${s.N}; the simulator's FFT needs a power of two (8, 16, 32, 64 …)`;
  if (s.object_size < s.N) return `object_size ${s.object_size} is smaller than the patch size N = ${s.N}`;
  return undefined;
}

/**
 * Far-field ptychography data (docs/reference/seed-systems.md §1.1, §1.8): for each scan position, exit wave ψ = P·O_patch,
 * expected counts scale·|FFT2(ψ)|²/N² (the symmetric transform keeps Σ|·|² = Σ|ψ|², as upstream's pad_and_diffract),
 * Poisson noise from the seeded stream ('ptycho', 'photons'), and the stored amplitude sqrt(counts), fftshifted.
 */
export function simulatePtycho(s: PtychoSimulation): SimulatedPtycho {
  const problem = simulationProblem(s);
  if (problem) throw new RangeError(`ptycho simulation: ${problem}`);
  const n = s.N;
  const object = makeObject({ size: s.object_size, amplitude: s.amplitude, phaseRange: s.phase_range, maxCycles: s.max_cycles }, rngFor(s.seed, 'ptycho', 'object'));
  const probe = makeProbe({ size: n, ...s.probe });
  const { x, y } = rasterPositions(s.object_size, n, s.step, s.jitter, rngFor(s.seed, 'ptycho', 'positions'));
  let probePower = 0;
  for (let i = 0; i < n * n; i++) probePower += probe.re[i] ** 2 + probe.im[i] ** 2;
  const photonScale = s.nphotons / probePower;
  const photons = rngFor(s.seed, 'ptycho', 'photons');
  const amplitude = new Float32Array(x.length * n * n);
  for (let m = 0; m < x.length; m++) {
    const expected = expectedCounts(probe, cutPatch(object, s.object_size, x[m], y[m], n), n, photonScale);
    for (let i = 0; i < n * n; i++) amplitude[m * n * n + i] = Math.sqrt(samplePoisson(expected[i], photons));
  }
  return { object, probe, x, y, amplitude, photonScale };
}

/** Noise-free counts photonScale · |FFT2(P·O)|² / N², fftshifted (zero frequency at the centre). */
export function expectedCounts(probe: ComplexPlane, patch: ComplexPlane, n: number, photonScale: number): Float64Array {
  const wave = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  for (let i = 0; i < n * n; i++) {
    wave.re[i] = probe.re[i] * patch.re[i] - probe.im[i] * patch.im[i];
    wave.im[i] = probe.re[i] * patch.im[i] + probe.im[i] * patch.re[i];
  }
  fft2(wave, n, n);
  const intensity = Float64Array.from(wave.re, (re, i) => (photonScale * (re ** 2 + wave.im[i] ** 2)) / (n * n));
  return fftshift2(intensity, n, n);
}

/** The upstream RawData arrays (docs/reference/seed-systems.md §1.1) for a simulation. */
export function rawDataArrays(sim: SimulatedPtycho, s: PtychoSimulation): Record<string, NpzEntry> {
  const m = sim.x.length;
  return {
    xcoords: { dtype: 'float64', shape: [m], data: sim.x },
    ycoords: { dtype: 'float64', shape: [m], data: sim.y },
    xcoords_start: { dtype: 'float64', shape: [m], data: sim.x.slice() },
    ycoords_start: { dtype: 'float64', shape: [m], data: sim.y.slice() },
    diff3d: { dtype: 'float32', shape: [m, s.N, s.N], data: sim.amplitude },
    probeGuess: { dtype: 'complex64', shape: [s.N, s.N], data: toComplex64(sim.probe) },
    objectGuess: { dtype: 'complex64', shape: [s.object_size, s.object_size], data: toComplex64(sim.object) },
    scan_index: { dtype: 'int64', shape: [m], data: new BigInt64Array(m) },
  };
}

/** Simulates and writes the .npz; `nphotons` and the photon scale go into the metadata attrs (upstream `_metadata`). */
export function writeSimulatedPtycho(path: string, s: PtychoSimulation): SimulatedPtycho {
  const sim = simulatePtycho(s);
  writeNpzFile(path, rawDataArrays(sim, s), { attrs: { generator: 'tandem.ptycho.simulate', settings: s, nphotons: s.nphotons, photon_scale: sim.photonScale } });
  return sim;
}
