import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DarcyAdapter, darcyAdapterParams } from '../../src/plugins/adapters/darcy/darcy-adapter.ts';
import { scratchDirs } from './scratch-dirs.ts';

/** specs/physics-data.md "Darcy2D › Data set, normalisation, cache". Small sizes: 16×16 cells, 6 train + 2 test samples. */
const scratch = scratchDirs('darcy');

const small = (cache_dir: string, extra: Record<string, unknown> = {}) => darcyAdapterParams.parse({ resolution: 16, n_train: 6, n_test: 2, seed: 4, cache_dir, ...extra });

describe('darcy adapter', () => {
  it('hands out permeability and pressure per sample as [batch, channel, x, y], first n_train for training', () => {
    const a = new DarcyAdapter(small(scratch(), { normalize: false }));
    const c = a.container();
    expect(c.specs()).toMatchObject({
      permeability: { dtype: 'float32', dims: ['channel', 'x', 'y'], shape: [1, 16, 16] },
      darcy: { dtype: 'float32', dims: ['channel', 'x', 'y'], shape: [1, 16, 16] },
    });
    expect([...c.split.train]).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...c.split.validation]).toEqual([6, 7]);
    const k = c.gather(Int32Array.of(0)).get('permeability')!.data as Float32Array;
    expect(new Set(k)).toEqual(new Set([0.5, 2]));
  });

  it('normalises with statistics of the training split only, and reports them for the run to store', () => {
    const dir = scratch();
    const raw = new DarcyAdapter(small(dir, { normalize: false })).container();
    const a = new DarcyAdapter(small(dir));
    const stats = a.normalization();
    const train = raw.gather(raw.split.train).get('darcy')!.data as Float32Array;
    const mean = train.reduce((s, v) => s + v, 0) / train.length;
    const std = Math.sqrt(train.reduce((s, v) => s + (v - mean) ** 2, 0) / train.length);
    expect(stats.darcy.mean).toBeCloseTo(mean, 7);
    expect(stats.darcy.std).toBeCloseTo(std, 7);
    const norm = a.container().gather(a.container().split.train).get('darcy')!.data as Float32Array;
    const nMean = norm.reduce((s, v) => s + v, 0) / norm.length;
    const nVar = norm.reduce((s, v) => s + (v - nMean) ** 2, 0) / norm.length;
    expect(nMean).toBeCloseTo(0, 5);
    expect(nVar).toBeCloseTo(1, 4);
    // Only the train split enters: changing a test sample (more test samples) leaves the statistics alone.
    expect(new DarcyAdapter(small(dir, { n_test: 5 })).normalization()).toEqual(stats);
    const settings = a.effectiveSettings() as { resolved: { normalization: unknown; solver: { maxRelativeResidual: number } } };
    expect(settings.resolved.normalization).toEqual(stats);
    expect(settings.resolved.solver.maxRelativeResidual).toBeLessThanOrEqual(1e-8);
  });

  it('caches the data set: a second adapter reuses the file; a corrupt file is regenerated with a message', () => {
    const dir = scratch();
    const first = new DarcyAdapter(small(dir));
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^darcy-[0-9a-f]{16}\.npz$/);
    const second = new DarcyAdapter(small(dir));
    expect((second.effectiveSettings().resolved as { cache: { outcome: string } }).cache.outcome).toBe('reused');
    const bytes = readFileSync(join(dir, file));
    writeFileSync(join(dir, file), bytes.subarray(0, bytes.length - 100)); // truncated
    const third = new DarcyAdapter(small(dir));
    const cache = (third.effectiveSettings().resolved as { cache: { outcome: string; messages: string[] } }).cache;
    expect(cache.outcome).toBe('regenerated-corrupt');
    expect(cache.messages[0]).toMatch(new RegExp(`${file}: the cached file is corrupt \\(.*not a valid zip/npz.*\\); regenerating it`));
    expect(third.container().gather(Int32Array.of(7)).get('darcy')!.data).toEqual(first.container().gather(Int32Array.of(7)).get('darcy')!.data);
  });

  it('rejects a resolution the solver does not allow when the params are validated', () => {
    const result = darcyAdapterParams.safeParse({ resolution: 100 });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['resolution']);
    expect(result.error!.issues[0].message).toContain('resolution 100 is not allowed: the multigrid halves the grid down to at most 8×8 cells');
  });

  it('the permeability statistics match PhysicsNeMo\'s normaliser (1.25, 0.75) for two values 0.5 / 2 in equal measure', () => {
    const a = new DarcyAdapter(darcyAdapterParams.parse({ resolution: 32, n_train: 40, n_test: 0, cache_dir: scratch() }));
    const { permeability } = a.normalization();
    expect(permeability.mean).toBeGreaterThan(1.1);
    expect(permeability.mean).toBeLessThan(1.4);
    expect(permeability.std).toBeGreaterThan(0.7);
  });
});
