import { describe, expect, it } from 'vitest';
import { advanceBurgers } from '../../src/physics/burgers/burgers-solver.ts';
import { coleHopfSine } from '../../src/physics/burgers/cole-hopf.ts';
import { burgersGrid, cellCentre } from '../../src/physics/burgers/grid.ts';
import { stabilityNumbers } from '../../src/physics/burgers/stability.ts';

/**
 * specs/physics-data.md "Burgers › Validation against Cole–Hopf". The scheme (MUSCL/van Leer + Rusanov advection, central diffusion,
 * SSP-RK3) is second order in space for smooth solutions; dt is 80% of the stable step, which scales like dx² here,
 * so the third-order time error is negligible and the observed order is the spatial one.
 */
const NU = 0.1;
const T = 1;

interface Row {
  n: number;
  steps: number;
  l2: number;
  linf: number;
}

function observedOrders(rows: Row[]): number[] {
  return rows.slice(1).map((r, i) => Math.log2(rows[i].l2 / r.l2));
}

function printTable(title: string, rows: Row[]): void {
  const orders = observedOrders(rows);
  const lines = rows.map((r, i) => `${String(r.n).padStart(5)} ${String(r.steps).padStart(6)}  ${r.l2.toExponential(3)}  ${r.linf.toExponential(3)}  ${i === 0 ? '   -' : orders[i - 1].toFixed(2)}`);
  console.log(`${title}\n    n  steps  L2 error   Linf error  order\n${lines.join('\n')}`);
}

/** Advances `u` to time T with steps of 80% of the largest stable dt (max|u_c| taken from `speeds`). */
function runTo(n: number, dim: 1 | 2, u: Float64Array[], speeds: number[], exact: Float64Array): Row {
  const grid = burgersGrid(dim, n, 2 * Math.PI);
  const steps = Math.ceil(T / (0.8 * stabilityNumbers(grid, NU, 1, speeds).maxDt));
  advanceBurgers(grid, u, NU, T / steps, steps, `convergence n=${n}`);
  let sq = 0;
  let linf = 0;
  for (const c of u) {
    for (let i = 0; i < c.length; i++) {
      const e = c[i] - exact[i];
      sq += e * e;
      linf = Math.max(linf, Math.abs(e));
    }
  }
  return { n, steps, l2: Math.sqrt(sq / (u.length * exact.length)), linf };
}

describe('Burgers convergence against the Cole–Hopf solution', () => {
  it('1D, u0 = sin(x) on [0, 2π), ν = 0.1, t = 1: the L2 error falls at second order', () => {
    const rows = [32, 64, 128, 256].map((n) => {
      const grid = burgersGrid(1, n, 2 * Math.PI);
      const x = Float64Array.from({ length: n }, (_, i) => cellCentre(grid, i));
      return runTo(n, 1, [x.map(Math.sin)], [1], coleHopfSine(x, T, NU, 1));
    });
    printTable('Burgers 1D vs Cole–Hopf (ν = 0.1, t = 1)', rows);
    const orders = observedOrders(rows);
    expect(orders.at(-1)).toBeGreaterThan(1.9);
    expect(orders.every((o) => o > 1.8)).toBe(true);
    expect(rows.at(-1)!.l2).toBeLessThan(1e-4);
  });

  it('2D vector Burgers, u = v = w(x + y): both self- and cross-advection converge at second order', () => {
    // With u = v = w(ξ), ξ = x + y: w_t + 2w·w_ξ = 2ν·w_ξξ, so W = 2w is 1D Burgers with viscosity 2ν (Cole–Hopf again).
    const rows = [16, 32, 64].map((n) => {
      const grid = burgersGrid(2, n, 2 * Math.PI);
      const xi = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) xi[i * n + j] = (cellCentre(grid, i) + cellCentre(grid, j)) % (2 * Math.PI);
      const w0 = xi.map((s) => 0.5 * Math.sin(s));
      const exact = coleHopfSine(xi, T, 2 * NU, 1).map((W) => W / 2);
      return runTo(n, 2, [w0, Float64Array.from(w0)], [0.5, 0.5], exact);
    });
    printTable('Burgers 2D (u = v = w(x + y)) vs Cole–Hopf (ν = 0.1, t = 1)', rows);
    const orders = observedOrders(rows);
    expect(orders.at(-1)).toBeGreaterThan(1.8);
  });

  it('the Cole–Hopf series reproduces the initial state and the viscous decay of a small wave', () => {
    const x = Float64Array.from({ length: 17 }, (_, i) => (i * 2 * Math.PI) / 17);
    const u0 = coleHopfSine(x, 0, NU, 1);
    // ~1e-11: near x = π the series sums O(1) terms to φ ≈ e^{−A/ν}, losing digits to cancellation.
    x.forEach((xi, i) => expect(u0[i]).toBeCloseTo(Math.sin(xi), 9));
    // For a tiny amplitude the nonlinearity vanishes and u ≈ A·e^{−νt}·sin(x) (heat equation).
    const small = coleHopfSine(x, 2, NU, 1e-6);
    x.forEach((xi, i) => expect(small[i] / 1e-6).toBeCloseTo(Math.exp(-2 * NU) * Math.sin(xi), 5));
  });
});
