import { describe, expect, it } from 'vitest';
import { groupNeighbours, nearestNeighbours } from '../../src/physics/ptycho/grouping.ts';
import { groupPlacement } from '../../src/physics/ptycho/placement.ts';
import { buildPtychoContainer, checkChannels } from '../../src/plugins/adapters/ptycho/ptycho-container.ts';
import { validatePtychoRaw } from '../../src/plugins/adapters/ptycho/ptycho-raw.ts';
import { handRaw } from './fixtures.ts';

// specs/ptycho.md §3 (grouping) and §4 (container).

const raster3 = { x: Float64Array.of(0, 1, 2, 0, 1, 2, 0, 1, 2), y: Float64Array.of(0, 0, 0, 1, 1, 1, 2, 2, 2) };
const options = { gridsize: 2, nGroups: 9, neighbours: 4, seed: 0, sequential: true, oversampling: false };

describe('nearest-neighbour grouping', () => {
  it('finds the exact nearest points, ties broken by index', () => {
    expect(nearestNeighbours(raster3.x, raster3.y, 4, 4)).toEqual([1, 3, 5, 7]); // the centre's four at distance 1
    expect(nearestNeighbours(raster3.x, raster3.y, 0, 3)).toEqual([1, 3, 4]); // corner: two at 1, then √2
  });

  it('gridsize 2 makes 4-channel groups: the seed point, then 3 of its K nearest', () => {
    const g = groupNeighbours(raster3.x, raster3.y, options);
    expect(g.channels).toBe(4);
    expect(g.nnIndices.length).toBe(9 * 4);
    for (let s = 0; s < 9; s++) {
      const group = Array.from(g.nnIndices.slice(4 * s, 4 * s + 4));
      expect(group[0]).toBe(s); // sequential seeds
      expect(new Set(group).size).toBe(4);
      const pool = nearestNeighbours(raster3.x, raster3.y, s, 4);
      for (const k of group.slice(1)) expect(pool).toContain(k);
    }
  });

  it('gridsize 1 uses each seed point alone', () => {
    const g = groupNeighbours(raster3.x, raster3.y, { ...options, gridsize: 1, nGroups: 5, sequential: false });
    expect(g.channels).toBe(1);
    expect(new Set(g.nnIndices).size).toBe(5);
  });

  it('refuses more groups than points unless oversampling is enabled (OVERSAMPLING-001)', () => {
    expect(() => groupNeighbours(raster3.x, raster3.y, { ...options, nGroups: 12 })).toThrow(/n_groups 12 exceeds the 9 scan positions.*enable_oversampling: true/);
    const g = groupNeighbours(raster3.x, raster3.y, { ...options, nGroups: 12, oversampling: true });
    expect(g.count).toBe(12);
    expect(g.nnIndices.length).toBe(48);
    expect(() => groupNeighbours(raster3.x, raster3.y, { ...options, gridsize: 1, nGroups: 12, oversampling: true })).toThrow(/gridsize 1 each group is one position/);
  });

  it('refuses a neighbour pool smaller than the group', () => {
    expect(() => groupNeighbours(raster3.x, raster3.y, { ...options, neighbours: 2 })).toThrow(/neighbor_count 2 is too small.*needs 3 neighbours/);
    expect(() => groupNeighbours(raster3.x.slice(0, 3), raster3.y.slice(0, 3), { ...options, nGroups: 1 })).toThrow(/needs 4 scan positions per group but the scan has only 3/);
  });

  it('is a pure function of the seed', () => {
    const a = groupNeighbours(raster3.x, raster3.y, { ...options, sequential: false, seed: 7 });
    const b = groupNeighbours(raster3.x, raster3.y, { ...options, sequential: false, seed: 7 });
    const c = groupNeighbours(raster3.x, raster3.y, { ...options, sequential: false, seed: 8 });
    expect(Array.from(a.nnIndices)).toEqual(Array.from(b.nnIndices));
    expect(Array.from(a.nnIndices)).not.toEqual(Array.from(c.nnIndices));
  });
});

describe('PtychoDataContainer (hand-checked)', () => {
  const data = validatePtychoRaw(handRaw()).data;

  it('gridsize 1: X is normalised so that mean Σ X² = (N/2)², counts are A², ground truth from objectGuess', () => {
    const c = buildPtychoContainer(data, { ...options, gridsize: 1, nGroups: 4 });
    // Patterns are all 1, 2, 3, 4 (N = 2): mean Σ A² = 4·(1 + 4 + 9 + 16)/4 = 30, (N/2)² = 1 → factor 1/√30.
    expect(c.normFactor).toBeCloseTo(1 / Math.sqrt(30), 12);
    expect(c.channels).toBe(1);
    expect(c.X.length).toBe(4 * 2 * 2 * 1);
    let sumSq = 0;
    for (const v of c.X) sumSq += v * v;
    expect(sumSq / 4).toBeCloseTo(1, 5);
    const first = c.nnIndices[0];
    expect(c.counts[0]).toBe((first + 1) ** 2);
    expect(c.X[0] * c.intensityScale).toBeCloseTo(first + 1, 5); // (X·s)² are the counts
    expect(c.Y_I[0]).toBeCloseTo(0.5, 6);
    expect(c.Y_phi[0]).toBeCloseTo(Math.PI / 2, 6);
    expect(Array.from(c.coords)).toEqual(new Array(8).fill(0)); // one channel: it IS the group mean
    expect([c.offsets[0], c.offsets[1]]).toEqual([[2, 4, 2, 4][first], [2, 2, 4, 4][first]]);
  });

  it('gridsize 2: every field carries 4 channels, channel-last, coords relative to the group mean', () => {
    const c = buildPtychoContainer(data, { ...options, gridsize: 2, nGroups: 1, neighbours: 3 });
    expect(c.channels).toBe(4);
    expect([c.X.length, c.counts.length, c.Y_I.length, c.coords.length, c.nnIndices.length]).toEqual([16, 16, 16, 8, 4]);
    expect(Array.from(c.offsets)).toEqual([3, 3]); // mean of (2|4, 2|4)
    // Channel k of pixel p is at (p·C + k): pattern nn[k] is constant (nn[k] + 1)².
    for (let k = 0; k < 4; k++) for (let p = 0; p < 4; p++) expect(c.counts[p * 4 + k]).toBe((c.nnIndices[k] + 1) ** 2);
    for (let k = 0; k < 4; k++) {
      expect(Math.abs(c.coords[k])).toBe(1); // x − 3 = ±1
      expect(Math.abs(c.coords[4 + k])).toBe(1);
    }
  });

  it('the upstream pitfall (BUG-TF-001): a container whose channels disagree with gridsize is refused, not reshaped', () => {
    const c = buildPtychoContainer(data, { ...options, gridsize: 2, nGroups: 1, neighbours: 3 });
    // What upstream silently produced: gridsize 2 but one-channel tensors.
    expect(() => checkChannels({ ...c, X: c.X.slice(0, 4) })).toThrow(/X holds 1 channels per group, gridsize 2 requires 4/);
    expect(() => checkChannels({ ...c, channels: 1 })).toThrow(/gridsize 2 means 4 channels per group, but the container holds 1/);
  });
});

describe('canvas placement (object_big)', () => {
  it('places each channel at its offset from the rounded group mean on an (N + 2·pad)² canvas', () => {
    // Four positions (2|4, 2|4): mean 3, offsets ±1 → pad 1, canvas L = N + 2 = 4 for N = 2.
    const p = groupPlacement(Int32Array.of(0, 1, 2, 3), 4, [2, 4, 2, 4], [2, 2, 4, 4], 2);
    expect([p.pad, p.size]).toEqual([1, 4]);
    // Channel 1 is at x = 4 (dx = +1), y = 2 (dy = −1): its rows start at canvas row pad − 1 = 0, columns at 2.
    const at = (m: Float32Array, k: number) => Array.from({ length: 2 }, (_, i) => Array.from(m.subarray(k * 8, k * 8 + 8)).findIndex((v, j) => v === 1 && j % 2 === i) >> 1);
    expect(at(p.rows, 1)).toEqual([0, 1]);
    expect(at(p.cols, 1)).toEqual([2, 3]);
    expect(at(p.rows, 2)).toEqual([2, 3]); // channel 2: y = 4, dy = +1
    expect(at(p.cols, 2)).toEqual([0, 1]); // x = 2, dx = −1
  });
});
