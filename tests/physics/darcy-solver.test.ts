import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/data/rng.ts';
import { solveDarcy, resolutionProblem } from '../../src/physics/darcy/darcy-solver.ts';
import { FaceOperator } from '../../src/physics/darcy/face-operator.ts';
import { samplePermeability } from '../../src/physics/darcy/permeability.ts';

/** specs/physics-data.md "Darcy2D › Solver". */
const K_OPTIONS = { frequencies: 5, low: 0.5, high: 2, threshold: 0 };

describe('Darcy solver', () => {
  it('the stencil is symmetric and positive definite (what conjugate gradients needs)', () => {
    const n = 16;
    const A = FaceOperator.fromCoefficient(n, samplePermeability(n, K_OPTIONS, rngFor(1, 'k')));
    const r = rngFor(2, 'v');
    const x = Float64Array.from({ length: n * n }, () => r.normal());
    const y = Float64Array.from({ length: n * n }, () => r.normal());
    const Ax = new Float64Array(n * n);
    const Ay = new Float64Array(n * n);
    A.apply(x, Ax);
    A.apply(y, Ay);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
    expect(dot(y, Ax)).toBeCloseTo(dot(x, Ay), 10);
    expect(dot(x, Ax)).toBeGreaterThan(0);
  });

  it('reaches the stated relative residual on thresholded permeability, in an iteration count that stays bounded as the grid refines', () => {
    for (const n of [32, 64, 128]) {
      const k = samplePermeability(n, K_OPTIONS, rngFor(0, 'darcy', n));
      const { u, iterations, relativeResidual } = solveDarcy(n, k, 1, { tolerance: 1e-8 }, 'test');
      // Re-check the residual independently of the solver's own bookkeeping.
      const A = FaceOperator.fromCoefficient(n, k);
      const Au = new Float64Array(n * n);
      A.apply(u, Au);
      const b = 1 / (n * n);
      const residual = Math.sqrt(Au.reduce((s, v) => s + (b - v) ** 2, 0)) / Math.sqrt(n * n * b * b);
      expect(residual).toBeLessThanOrEqual(1e-8);
      expect(relativeResidual).toBeCloseTo(residual, 12);
      expect(iterations).toBeLessThanOrEqual(20);
      expect(Math.min(...u)).toBeGreaterThan(0); // f > 0 and u = 0 on the boundary: u > 0 inside
    }
  });

  it('the permeability is two-valued, seeded, and has both phases', () => {
    const a = samplePermeability(64, K_OPTIONS, rngFor(3, 'k'));
    expect(new Set(a)).toEqual(new Set([0.5, 2]));
    expect(samplePermeability(64, K_OPTIONS, rngFor(3, 'k'))).toEqual(a);
    expect(samplePermeability(64, K_OPTIONS, rngFor(4, 'k'))).not.toEqual(a);
  });

  it('refuses resolutions the multigrid cannot coarsen, naming the nearest allowed ones', () => {
    expect(resolutionProblem(64)).toBeUndefined();
    expect(resolutionProblem(96)).toBeUndefined();
    expect(resolutionProblem(100)).toBe(
      'resolution 100 is not allowed: the multigrid halves the grid down to at most 8×8 cells, so the resolution must be m·2^k with m ≤ 8 (e.g. 32, 48, 64, 96, 128); the nearest allowed are 96 and 112',
    );
    expect(resolutionProblem(4)).toBe('resolution 4 is not allowed: use an integer from 8 to 2048');
    expect(() => solveDarcy(100, new Float64Array(100 * 100).fill(1), 1, { tolerance: 1e-8 }, 'my run')).toThrow(/^my run: resolution 100 is not allowed/);
  });

  it('refuses a non-positive permeability with the cell, and a solve that cannot converge in the iteration cap', () => {
    const k = new Float64Array(16 * 16).fill(1);
    k[3 * 16 + 5] = 0;
    expect(() => solveDarcy(16, k, 1, { tolerance: 1e-8 }, 'x')).toThrow('x: the permeability must be positive and finite, got 0 at cell (x=3, y=5)');
    const rough = samplePermeability(64, K_OPTIONS, rngFor(0, 'k'));
    expect(() => solveDarcy(64, rough, 1, { tolerance: 1e-14, maxIterations: 3 }, 'x')).toThrow(/x: conjugate gradients did not reach the relative residual 1e-14 in 3 iterations \(stopped at .*\)/);
  });
});
