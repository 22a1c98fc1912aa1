import { describe, expect, it } from 'vitest';
import { solveDarcy } from '../../src/physics/darcy/darcy-solver.ts';

/**
 * specs/physics-data.md "Darcy2D › Validation". Manufactured solution u = sin(πx)·sin(πy) (zero on the boundary) with
 * the smooth, variable k = 1 + ½·sin(2πx)·cos(πy) + x·y; f = −∇·(k∇u) = −(k·Δu + k_x·u_x + k_y·u_y) is derived by hand.
 */
const PI = Math.PI;
const k = (x: number, y: number) => 1 + 0.5 * Math.sin(2 * PI * x) * Math.cos(PI * y) + x * y;
const kx = (x: number, y: number) => PI * Math.cos(2 * PI * x) * Math.cos(PI * y) + y;
const ky = (x: number, y: number) => -0.5 * PI * Math.sin(2 * PI * x) * Math.sin(PI * y) + x;
const u = (x: number, y: number) => Math.sin(PI * x) * Math.sin(PI * y);
const f = (x: number, y: number) =>
  -(k(x, y) * -2 * PI * PI * u(x, y) + kx(x, y) * PI * Math.cos(PI * x) * Math.sin(PI * y) + ky(x, y) * PI * Math.sin(PI * x) * Math.cos(PI * y));

function cellField(n: number, fn: (x: number, y: number) => number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = fn((i + 0.5) / n, (j + 0.5) / n);
  return out;
}

describe('Darcy solver: manufactured solution', () => {
  it('the error falls at second order as the grid refines (L2 and max norm)', () => {
    const rows = [16, 32, 64, 128].map((n) => {
      const solution = solveDarcy(n, cellField(n, k), cellField(n, f), { tolerance: 1e-10 }, `manufactured n=${n}`);
      const exact = cellField(n, u);
      let sq = 0;
      let max = 0;
      for (let p = 0; p < exact.length; p++) {
        const e = solution.u[p] - exact[p];
        sq += e * e;
        max = Math.max(max, Math.abs(e));
      }
      return { n, iterations: solution.iterations, l2: Math.sqrt(sq / exact.length), max };
    });
    const orders = rows.slice(1).map((r, i) => Math.log2(rows[i].l2 / r.l2));
    const maxOrders = rows.slice(1).map((r, i) => Math.log2(rows[i].max / r.max));
    console.log(
      `Darcy manufactured solution (k = 1 + ½·sin(2πx)·cos(πy) + xy, tolerance 1e-10)\n    n  CG its  L2 error   max error  order(L2) order(max)\n` +
        rows
          .map((r, i) => `${String(r.n).padStart(5)} ${String(r.iterations).padStart(7)}  ${r.l2.toExponential(3)}  ${r.max.toExponential(3)}  ${i ? orders[i - 1].toFixed(2) : '   -'}      ${i ? maxOrders[i - 1].toFixed(2) : '   -'}`)
          .join('\n'),
    );
    expect(orders.every((o) => o > 1.9 && o < 2.2)).toBe(true);
    expect(maxOrders.at(-1)).toBeGreaterThan(1.8);
  });

  it('constant k = 1, f = 1: the mean of u converges to the series value of the unit-square torsion problem', () => {
    // ∫u = (64/π⁶)·Σ_{m,n odd} 1/(m²n²(m² + n²)) for −Δu = 1 on the unit square, u = 0 on the boundary.
    let series = 0;
    for (let m = 1; m < 400; m += 2) for (let q = 1; q < 400; q += 2) series += 1 / (m * m * q * q * (m * m + q * q));
    const exactMean = (64 / PI ** 6) * series;
    expect(exactMean).toBeCloseTo(0.0351442, 6);
    const errors = [32, 64].map((n) => {
      const { u: sol } = solveDarcy(n, new Float64Array(n * n).fill(1), 1, { tolerance: 1e-10 }, 'torsion');
      return Math.abs(sol.reduce((a, b) => a + b, 0) / (n * n) - exactMean);
    });
    expect(errors[1]).toBeLessThan(2e-4);
    expect(errors[0] / errors[1]).toBeGreaterThan(3.5); // second order: ≈ 4
  });
});
