import { describe, expect, it } from 'vitest';
import { simulateBurgers } from '../../src/physics/burgers/burgers-solver.ts';
import { BurgersRhs } from '../../src/physics/burgers/burgers-rhs.ts';
import { burgersGrid, cellCentre } from '../../src/physics/burgers/grid.ts';
import { BurgersStabilityError, checkStability } from '../../src/physics/burgers/stability.ts';

/** specs/physics-data.md "Burgers › Stability". */
function sine(n: number, amplitude: number): Float64Array[] {
  const grid = burgersGrid(1, n, 2 * Math.PI);
  return [Float64Array.from({ length: n }, (_, i) => amplitude * Math.sin(cellCentre(grid, i)))];
}

function thrown(fn: () => unknown): BurgersStabilityError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BurgersStabilityError) return e;
    throw e;
  }
  throw new Error('expected a BurgersStabilityError');
}

describe('Burgers stability bounds', () => {
  const grid = burgersGrid(1, 64, 2 * Math.PI); // dx ≈ 0.0982

  it('a too large dt for the advection names the advective CFL bound, its numbers and a stable dt', () => {
    const e = thrown(() => checkStability(grid, 0, 0.1, [1], 'test'));
    expect(e.bound).toBe('advective');
    expect(e.message).toMatch(/advective CFL bound u_max·dt\/dx ≤ 0\.5 is violated: 1\.019 with u_max = 1, dt = 0\.1, dx = 0\.09817/);
    expect(e.message).toMatch(/Nothing was run; use dt ≤ 0\.0441/);
    expect(e.suggestedDt).toBeLessThanOrEqual(e.numbers.maxDt);
    expect(() => checkStability(grid, 0, e.suggestedDt, [1], 'test')).not.toThrow();
  });

  it('a too large viscosity names the diffusive bound ν·dt/dx² ≤ 1/2', () => {
    const e = thrown(() => checkStability(grid, 1, 0.01, [0.01], 'test'));
    expect(e.bound).toBe('diffusive');
    expect(e.message).toMatch(/diffusive bound ν·dt\/dx² ≤ 0\.5 is violated: 1\.038 with ν = 1, dt = 0\.01/);
    expect(() => checkStability(grid, 1, e.suggestedDt, [0.01], 'test')).not.toThrow();
  });

  it('2D uses dt·(max|u|/dx + max|v|/dy) and ν·dt·(1/dx² + 1/dy²)', () => {
    const g2 = burgersGrid(2, 64, 2 * Math.PI);
    // ν·dt/dx² = 0.31 passes in 1D; in 2D the same numbers give ν·dt·(1/dx² + 1/dy²) = 0.62.
    expect(() => checkStability(grid, 0.1, 0.03, [0], 'test')).not.toThrow();
    const e = thrown(() => checkStability(g2, 0.1, 0.03, [0, 0], 'test'));
    expect(e.bound).toBe('diffusive');
    expect(e.message).toContain('ν·dt·(1/dx² + 1/dy²) ≤ 0.5');
    const a = thrown(() => checkStability(g2, 0, 0.03, [1, 1], 'test'));
    expect(a.bound).toBe('advective');
    expect(a.message).toContain('dt·(max|u|/dx + max|v|/dy) ≤ 0.5 is violated: 0.6112 with max|u| = 1, max|v| = 1');
  });

  it('each bound alone can hold while their sum does not: the combined bound is named', () => {
    const e = thrown(() => checkStability(grid, 0.1, 0.035, [1], 'test'));
    expect(e.numbers.advective).toBeLessThan(0.5);
    expect(e.numbers.diffusive).toBeLessThan(0.5);
    expect(e.bound).toBe('combined');
    expect(e.message).toMatch(/combined bound advective\/0\.5 \+ diffusive\/0\.5 ≤ 1 is violated/);
  });

  it('the solver refuses before taking a step, and runs bounded at the suggested dt', () => {
    const e = thrown(() => simulateBurgers(grid, sine(64, 1), { nu: 0.1, dt: 0.1, substeps: 1, steps: 1000 }, 'sim_000003.npz'));
    expect(e.message.startsWith('sim_000003.npz: the explicit Burgers step would be unstable')).toBe(true);
    const out = simulateBurgers(grid, sine(64, 1), { nu: 0.1, dt: e.suggestedDt, substeps: 10, steps: 20 }, 'ok');
    // The maximum principle the bound guarantees: max|u| never exceeds its initial value.
    expect(Math.max(...out.map(Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('the diffusive limit is where a forward-Euler step of the same operator starts to amplify the checkerboard mode', () => {
    // SSP-RK3 is stable wherever its forward-Euler stages are; this shows the 1/2 is that Euler limit, not a guess.
    const n = 32;
    const g = burgersGrid(1, n, 2 * Math.PI);
    const growth = (number: number) => {
      const dt = (number * g.dx * g.dx) / 1;
      const rhs = new BurgersRhs(g, 1);
      let u = [Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1e-6 : -1e-6))];
      const k = [new Float64Array(n)];
      for (let s = 0; s < 20; s++) {
        rhs.apply(u, k);
        u = [u[0].map((v, i) => v + dt * k[0][i])];
      }
      return Math.max(...u[0].map(Math.abs)) / 1e-6;
    };
    expect(growth(0.45)).toBeLessThan(1);
    expect(growth(0.55)).toBeGreaterThan(1);
  });
});
