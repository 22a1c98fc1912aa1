import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawArray, RawData } from '../../src/data/raw-data.ts';
import type { PtychoSimulation } from '../../src/physics/ptycho/simulate.ts';

/** A scratch directory per test file (the OS temp dir, never the repository). */
export function scratchDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `tandem-ptycho-${label}-`));
}

/** The smallest simulation the model can train on: 16×16 object, N = 8 patterns, 25 positions. */
export const TINY_SIMULATION: PtychoSimulation = {
  seed: 1,
  object_size: 16,
  N: 8,
  step: 2,
  jitter: 0,
  nphotons: 1e4,
  probe: { kind: 'gaussian', radius: 1.5, defocus: 1 },
  amplitude: [0.5, 1],
  phase_range: Math.PI / 2,
  max_cycles: 2,
};

/**
 * A hand-checkable RawData: four scan positions on a 2×2 raster (spacing 2) of a 6×6 object, N = 2 patterns whose
 * amplitudes are 1, 2, 3, 4 everywhere (pattern i is all i + 1), the probe all ones.
 */
export function handRaw(overrides: Record<string, RawArray | undefined> = {}): RawData {
  const n = 2;
  const amp = new Float32Array(4 * n * n);
  for (let i = 0; i < 4; i++) amp.fill(i + 1, i * n * n, (i + 1) * n * n);
  const object = new Float32Array(2 * 36);
  for (let i = 0; i < 36; i++) [object[2 * i], object[2 * i + 1]] = [0, 0.5]; // 0.5·i: amplitude 0.5, phase π/2
  const arrays: Record<string, RawArray> = {
    xcoords: { dtype: 'float64', shape: [4], data: Float64Array.of(2, 4, 2, 4) },
    ycoords: { dtype: 'float64', shape: [4], data: Float64Array.of(2, 2, 4, 4) },
    diff3d: { dtype: 'float32', shape: [4, n, n], data: amp },
    probeGuess: { dtype: 'complex64', shape: [n, n], data: Float32Array.of(1, 0, 1, 0, 1, 0, 1, 0) },
    objectGuess: { dtype: 'complex64', shape: [6, 6], data: object },
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete arrays[k];
    else arrays[k] = v;
  }
  return { source: 'hand.npz', arrays: new Map(Object.entries(arrays)), attrs: { nphotons: 100 } };
}
