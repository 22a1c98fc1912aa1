import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burgersAdapter, burgersAdapterParams, type BurgersAdapter } from '../../src/plugins/adapters/burgers/burgers-adapter.ts';
import { scratchDirs } from './scratch-dirs.ts';

/** specs/physics-data.md "Burgers › Dataset". One small cache shared by the tests (12 simulations of 16 frames). */
let dir: string;
let adapter: BurgersAdapter;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-burgers-ds-'));
  const params = burgersAdapterParams.parse({ resolution: 32, dt: 0.02, substeps: 2, steps: 15, n_sims: 12, rollout: 3, stride: 2, seed: 3, cache_dir: dir, max_resident_sims: 2, split: { test: 0.25, seed: 5 } });
  adapter = await burgersAdapter.create(params);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Burgers windows dataset', () => {
  it('cuts each trajectory into windows of R + 1 frames and splits by simulation', () => {
    const stream = adapter.dataset();
    expect(stream.windowsPerSim).toBe(Math.floor((16 - 4) / 2) + 1);
    const { train, validation } = stream.simulations;
    expect(train.length).toBe(9);
    expect(validation.length).toBe(3);
    expect([...train].filter((s) => validation.includes(s))).toEqual([]);
    const simOf = (w: number) => Math.floor(w / stream.windowsPerSim);
    expect(new Set([...stream.split.validation].map(simOf))).toEqual(new Set(validation));
    expect(new Set([...stream.split.train].map(simOf))).toEqual(new Set(train));
  });

  it('a window holds consecutive frames of one simulation: frame t + 1 of window w is frame t of window w + 1 when stride is 1', () => {
    const stream = adapter.dataset();
    const v = stream.gather(Int32Array.of(0, 1)).get('velocity')!;
    expect(v.dims).toEqual(['batch', 'time', 'x', 'vector']);
    expect(v.shape).toEqual([2, 4, 32, 1]);
    const frame = 32;
    // stride 2: window 1 starts two frames after window 0.
    expect(v.data.subarray(4 * frame + 0 * frame, 4 * frame + 2 * frame)).toEqual(v.data.subarray(2 * frame, 4 * frame));
  });

  it('streamed batches equal the in-memory container batches: same samples, same order, same numbers', () => {
    const stream = adapter.dataset();
    const container = adapter.container();
    expect(container.split.train).toEqual(stream.split.train);
    expect(container.split.validation).toEqual(stream.split.validation);
    for (const split of ['train', 'validation'] as const) {
      const a = [...container.epoch(split, { batchSize: 5, seed: 11, epoch: 2 })];
      const b = [...stream.epoch(split, { batchSize: 5, seed: 11, epoch: 2 })];
      expect(b.length).toBe(a.length);
      a.forEach((batch, i) => {
        expect(b[i].samples).toEqual(batch.samples);
        const want = batch.tensors.get('velocity')!;
        const got = b[i].tensors.get('velocity')!;
        expect(got.dims).toEqual(want.dims);
        expect(got.shape).toEqual(want.shape);
        expect(got.data).toEqual(want.data);
      });
    }
  });

  it('shuffling is seeded: the same (seed, epoch) repeats, another epoch reorders', () => {
    const stream = adapter.dataset();
    const order = (epoch: number) => [...stream.epoch('train', { batchSize: 100, seed: 1, epoch })][0].samples;
    expect(order(0)).toEqual(order(0));
    expect(order(1)).not.toEqual(order(0));
    expect([...order(1)].sort((x, y) => x - y)).toEqual([...stream.split.train]);
  });

  it('streams from disk with a bounded number of decoded simulations (larger-than-memory data sets)', () => {
    const stream = adapter.dataset(); // max_resident_sims: 2 of 12
    let windows = 0;
    for (const batch of stream.epoch('train', { batchSize: 4, seed: 0, epoch: 0 })) {
      windows += batch.samples.length;
      expect(stream.stats().resident).toBeLessThanOrEqual(2);
    }
    const stats = stream.stats();
    expect(windows).toBe(stream.split.train.length);
    expect(stats.peakResident).toBe(2);
    // Shuffled windows from 9 simulations through a 2-slot cache: simulations are read again, never all held.
    expect(stats.loads).toBeGreaterThan(9);
  });

  it('reports what it resolved and how the cache was used', () => {
    const s = adapter.effectiveSettings() as { resolved: { frames: number; windowsPerSim: number; cache: Record<string, unknown> } };
    expect(s.resolved.frames).toBe(16);
    expect(s.resolved.windowsPerSim).toBe(7);
    expect(s.resolved.cache.generated).toBe(12);
  });

  it('refuses a rollout longer than the trajectories before generating anything, naming both numbers', () => {
    const params = burgersAdapterParams.parse({ resolution: 32, dt: 0.02, substeps: 2, steps: 15, n_sims: 12, rollout: 16, seed: 3, cache_dir: dir });
    expect(() => burgersAdapter.create(params)).toThrow('a window of 17 frames (rollout + 1) does not fit trajectories of 16 frames: lower rollout or raise steps');
  });
});

describe('Burgers windows dataset, 2D', () => {
  const scratch = scratchDirs('burgers-2d');

  it('windows of the vector field are [batch, time, x, y, vector], streamed and in memory alike', async () => {
    const params = burgersAdapterParams.parse({ dim: 2, resolution: 16, dt: 0.02, substeps: 1, steps: 4, n_sims: 3, rollout: 2, cache_dir: scratch(), split: { test: 0.34 } });
    const a = await burgersAdapter.create(params);
    const container = a.container();
    expect(container.specs().velocity).toMatchObject({ dims: ['time', 'x', 'y', 'vector'], shape: [3, 16, 16, 2] });
    const samples = Int32Array.from(container.split.train);
    const streamed = a.dataset().gather(samples).get('velocity')!;
    const inMemory = container.gather(samples).get('velocity')!;
    expect(streamed.dims).toEqual(inMemory.dims);
    expect(streamed.shape).toEqual([samples.length, 3, 16, 16, 2]);
    expect(streamed.data).toEqual(inMemory.data);
  });
});
