import { describe, expect, it } from 'vitest';
import { burgersSineDirichlet, coleHopfSine, coleHopfSineByKernel } from '../../src/physics/burgers/cole-hopf.ts';

// The heat-kernel form of the Cole–Hopf solution (src/physics/burgers/cole-hopf.ts), which the Burgers PINN's
// exact solution uses at ν = 0.01/π, where the Fourier series loses every digit beside the shock.
describe('Cole–Hopf by the heat kernel', () => {
  it('equals the Fourier series where the series is exact (ν = 0.1)', () => {
    const xs = Array.from({ length: 12 }, (_, i) => (i * 2 * Math.PI) / 12 + 0.1);
    for (const t of [0.05, 0.7, 3]) {
      const series = coleHopfSine(xs, t, 0.1, 1);
      xs.forEach((x, i) => expect(Math.abs(coleHopfSineByKernel(x, t, 0.1, 1) - series[i])).toBeLessThan(1e-10));
    }
  });

  it("solves Raissi's problem: the initial state, zero walls, odd symmetry, a steep front at x = 0", () => {
    const nu = 0.01 / Math.PI;
    for (const x of [-0.7, -0.2, 0.4]) expect(burgersSineDirichlet(x, 0, nu)).toBeCloseTo(-Math.sin(Math.PI * x), 14);
    for (const t of [0.3, 1]) {
      expect(Math.abs(burgersSineDirichlet(-1, t, nu))).toBeLessThan(1e-14);
      expect(Math.abs(burgersSineDirichlet(1, t, nu))).toBeLessThan(1e-14);
      expect(burgersSineDirichlet(0.3, t, nu)).toBeCloseTo(-burgersSineDirichlet(-0.3, t, nu), 12);
    }
    // After the shock forms (t ≈ 1/π) the jump across x = 0 is steep: ~1.8 within Δx = 0.02 at t = 0.5.
    expect(burgersSineDirichlet(-0.01, 0.5, nu) - burgersSineDirichlet(0.01, 0.5, nu)).toBeGreaterThan(1.7);
    expect(Number.isFinite(burgersSineDirichlet(1e-4, 1, nu))).toBe(true);
  });

  it('satisfies the PDE u_t + u u_x = nu u_xx by finite differences away from the front', () => {
    const nu = 0.01 / Math.PI;
    const u = (x: number, t: number) => burgersSineDirichlet(x, t, nu);
    const h = 1e-4;
    for (const [x, t] of [[-0.5, 0.4], [0.6, 0.8], [0.2, 0.1]]) {
      const ut = (u(x, t + h) - u(x, t - h)) / (2 * h);
      const ux = (u(x + h, t) - u(x - h, t)) / (2 * h);
      const uxx = (u(x + h, t) - 2 * u(x, t) + u(x - h, t)) / (h * h);
      expect(Math.abs(ut + u(x, t) * ux - nu * uxx)).toBeLessThan(1e-5);
    }
  });
});
