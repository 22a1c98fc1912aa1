import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/data/rng.ts';
import { collocationPoints, latinHypercube, testGrid } from '../../src/physics/elastic/collocation.ts';

const rows = (a: Float64Array, d: number) => Array.from({ length: a.length / d }, (_, i) => Array.from(a.subarray(i * d, (i + 1) * d)));

describe('collocation points (src/physics/elastic/collocation.ts)', () => {
  it('a Latin hypercube puts exactly one point in every stratum of every axis', () => {
    const n = 50;
    const pts = rows(latinHypercube(n, 3, rngFor(7, 'lhs')), 3);
    for (let axis = 0; axis < 3; axis++) {
      const strata = pts.map((p) => Math.floor(p[axis] * n)).sort((a, b) => a - b);
      expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('interior in [0,1]²×[0,T], boundary on the edges, initial at t = 0; same seed → same points', () => {
    const T = 0.4;
    const sets = collocationPoints({ interior: 64, boundary: 40, initial: 30 }, T, 3);
    for (const [x, y, t] of rows(sets.interior, 3)) {
      expect(x >= 0 && x < 1 && y >= 0 && y < 1 && t >= 0 && t < T).toBe(true);
    }
    const onEdge = rows(sets.boundary, 3).map(([x, y, t]) => (x === 0 || x === 1 || y === 0 || y === 1) && t >= 0 && t < T);
    expect(onEdge.every(Boolean)).toBe(true);
    // All four edges get points (the perimeter coordinate is stratified too).
    const edges = new Set(rows(sets.boundary, 3).map(([x, y]) => (y === 0 ? 'bottom' : x === 1 ? 'right' : y === 1 ? 'top' : 'left')));
    expect(edges.size).toBe(4);
    expect(rows(sets.initial, 3).every((p) => p[2] === 0)).toBe(true);
    expect(collocationPoints({ interior: 64, boundary: 40, initial: 30 }, T, 3)).toEqual(sets);
    expect(collocationPoints({ interior: 64, boundary: 40, initial: 30 }, T, 3, 1).interior).not.toEqual(sets.interior);
  });

  it('zero points of a kind is refused, naming the key', () => {
    expect(() => collocationPoints({ interior: 0, boundary: 4, initial: 4 }, 1, 0)).toThrow(/adapter\.params\.points\.interior is 0: a PINN needs at least one interior collocation point/);
    expect(() => collocationPoints({ interior: 4, boundary: 4, initial: -2 }, 1, 0)).toThrow(/adapter\.params\.points\.initial is -2/);
  });

  it('the test grid covers the corners of space-time', () => {
    const g = rows(testGrid(3, 2, 0.5), 3);
    expect(g).toHaveLength(18);
    expect(g[0]).toEqual([0, 0, 0]);
    expect(g[17]).toEqual([1, 1, 0.5]);
  });
});
