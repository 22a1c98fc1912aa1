import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpzFile } from '../../src/data/npz.ts';
import { BURGERS_SOLVER_VERSION } from '../../src/physics/burgers/burgers-solver.ts';
import { ensureSimulations, simulationPath, type BurgersSimParams } from '../../src/physics/burgers/simulations.ts';
import { BurgersStabilityError } from '../../src/physics/burgers/stability.ts';
import { scratchDirs } from './scratch-dirs.ts';

/** specs/physics-data.md "Burgers › Cache and files". */
const scratch = scratchDirs('burgers');

const P1: BurgersSimParams = { dim: 1, resolution: 32, length: 2 * Math.PI, nu: 0.1, dt: 0.02, substeps: 2, steps: 10, modes: 3, amplitude: 1, seed: 7 };

describe('Burgers simulation cache', () => {
  it('writes one sim_NNNNNN.npz per simulation with named dims and the generating metadata', () => {
    const dir = scratch();
    const { files, outcomes } = ensureSimulations(P1, 2, dir, () => {});
    expect(files).toEqual([join(dir, 'sim_000000.npz'), join(dir, 'sim_000001.npz')]);
    expect(outcomes.generated).toBe(2);
    const raw = readNpzFile(files[1]);
    const v = raw.arrays.get('velocity')!;
    expect(v.dims).toEqual(['time', 'x', 'vector']);
    expect(v.shape).toEqual([11, 32, 1]);
    const generating = raw.attrs.generating as Record<string, unknown>;
    expect(generating).toMatchObject({ ...P1, index: 1, solver: BURGERS_SOLVER_VERSION });
    expect(typeof raw.attrs.hash).toBe('string');
    // Different seeds per simulation: the two trajectories differ.
    const v0 = readNpzFile(files[0]).arrays.get('velocity')!.data;
    expect(v0).not.toEqual(v.data);
  });

  it('2D stores (time, x, y, vector) with two velocity components', () => {
    const dir = scratch();
    const p: BurgersSimParams = { ...P1, dim: 2, resolution: 16, dt: 0.02, steps: 3 };
    const { files } = ensureSimulations(p, 1, dir, () => {});
    const v = readNpzFile(files[0]).arrays.get('velocity')!;
    expect(v.dims).toEqual(['time', 'x', 'y', 'vector']);
    expect(v.shape).toEqual([4, 16, 16, 2]);
  });

  it('reuses a file only when the parameter hash matches; a stale file is regenerated with a message', () => {
    const dir = scratch();
    ensureSimulations(P1, 1, dir, () => {});
    const path = simulationPath(dir, 0);
    const before = statSync(path).mtimeMs;
    const messages: string[] = [];
    expect(ensureSimulations(P1, 1, dir, (m) => messages.push(m)).outcomes.reused).toBe(1);
    expect(messages).toEqual([]);
    expect(statSync(path).mtimeMs).toBe(before);
    // The same parameters written in another key order hash the same.
    const reordered = Object.fromEntries(Object.entries(P1).reverse()) as unknown as BurgersSimParams;
    expect(ensureSimulations(reordered, 1, dir, (m) => messages.push(m)).outcomes.reused).toBe(1);
    const changed = { ...P1, nu: 0.05 };
    const again = ensureSimulations(changed, 1, dir, (m) => messages.push(m));
    expect(again.outcomes['regenerated-stale']).toBe(1);
    expect(messages[0]).toMatch(/sim_000000\.npz: the cached file is stale: it was generated with other parameters \(hash [0-9a-f]{12}, now [0-9a-f]{12}; it was made from .*"nu":0\.1.*\); regenerating it/);
    expect((readNpzFile(path).attrs.generating as { nu: number }).nu).toBe(0.05);
  });

  it('a corrupt file is regenerated with a message naming the damage, byte for byte what the first run wrote', () => {
    const dir = scratch();
    ensureSimulations(P1, 1, dir, () => {});
    const path = simulationPath(dir, 0);
    const good = readFileSync(path);
    const bytes = Uint8Array.from(good);
    bytes[bytes.length >> 1] ^= 0xff; // flip a byte inside the data: the zip CRC catches it
    writeFileSync(path, bytes);
    const messages: string[] = [];
    expect(ensureSimulations(P1, 1, dir, (m) => messages.push(m)).outcomes['regenerated-corrupt']).toBe(1);
    expect(messages[0]).toMatch(/sim_000000\.npz: the cached file is corrupt \(.*\); regenerating it/);
    expect(Uint8Array.from(readFileSync(path))).toEqual(Uint8Array.from(good));
  });

  it('an unstable dt is refused before any simulation is generated', () => {
    const dir = scratch();
    expect(() => ensureSimulations({ ...P1, dt: 0.5 }, 3, dir, () => {})).toThrow(BurgersStabilityError);
    expect(() => statSync(simulationPath(dir, 0))).toThrow(/ENOENT/);
  });
});
