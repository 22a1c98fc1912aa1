import { describe, expect, it } from 'vitest';
import type { Material } from '../../src/physics/elastic/material.ts';
import { StandingWave } from '../../src/physics/elastic/standing-wave.ts';

// specs/elastic-pinn.md §2: the analytic field solves ρ ü = ∇·σ. Checked here by central finite differences of the
// field itself (independent of our autodiff), at points spread over the domain.
const MATERIAL: Material = { lambda: 2, mu: 1, rho: 1 };
const WAVE = { p_amplitude: 0.1, s_amplitude: 0.07, phase: 0.5 };
const POINTS = [
  [0.13, 0.71, 0.05],
  [0.5, 0.5, 0.2],
  [0.88, 0.31, 0.41],
  [0.27, 0.06, 0.33],
];

/** R = ρ ü − ∇·σ of `field` (fields built for `assumed`) with second differences, step h. */
function fdResidual(wave: StandingWave, m: Material, [x, y, t]: number[], h = 1e-3): [number, number] {
  const u = (dx: number, dy: number, dt: number) => wave.displacement(x + dx, y + dy, t + dt);
  const d2 = (c: number, a: [number, number, number]) => (u(...a)[c] - 2 * u(0, 0, 0)[c] + u(-a[0], -a[1], -a[2])[c]) / (h * h);
  const dxy = (c: number) => (u(h, h, 0)[c] - u(h, -h, 0)[c] - u(-h, h, 0)[c] + u(-h, -h, 0)[c]) / (4 * h * h);
  const [xx, yy, tt]: [number, number, number][] = [[h, 0, 0], [0, h, 0], [0, 0, h]];
  const rx = m.rho * d2(0, tt) - ((m.lambda + 2 * m.mu) * d2(0, xx) + m.mu * d2(0, yy) + (m.lambda + m.mu) * dxy(1));
  const ry = m.rho * d2(1, tt) - ((m.lambda + 2 * m.mu) * d2(1, yy) + m.mu * d2(1, xx) + (m.lambda + m.mu) * dxy(0));
  return [rx, ry];
}

describe('the standing P+S wave (src/physics/elastic/standing-wave.ts)', () => {
  const wave = new StandingWave({ ...WAVE, material: MATERIAL });

  it('satisfies the dispersion relations ω = √2 π c for c_p = 2 and c_s = 1', () => {
    expect(wave.omegaP).toBeCloseTo(Math.SQRT2 * Math.PI * 2, 12);
    expect(wave.omegaS).toBeCloseTo(Math.SQRT2 * Math.PI * 1, 12);
  });

  it('solves ρ ü = ∇·σ by finite differences (residual ≪ the size of the terms)', () => {
    for (const p of POINTS) {
      const [rx, ry] = fdResidual(wave, MATERIAL, p);
      // ρ ü is ~ ω_p² · π a ≈ 25 here; the O(h²) FD error is ~1e-4 of that.
      expect(Math.abs(rx), `R_x at ${p}`).toBeLessThan(5e-4);
      expect(Math.abs(ry), `R_y at ${p}`).toBeLessThan(5e-4);
    }
  });

  it('does not solve it for another material (the check can fail)', () => {
    const wrong = { ...MATERIAL, mu: 1.2 };
    const worst = Math.max(...POINTS.flatMap((p) => fdResidual(wave, wrong, p).map(Math.abs)));
    expect(worst).toBeGreaterThan(0.1);
  });

  it('velocity is ∂u/∂t (central differences)', () => {
    const h = 1e-5;
    for (const [x, y, t] of POINTS) {
      const [a, b] = [wave.displacement(x, y, t + h), wave.displacement(x, y, t - h)];
      const v = wave.velocity(x, y, t);
      for (const c of [0, 1]) expect(v[c]).toBeCloseTo((a[c] - b[c]) / (2 * h), 6);
    }
  });
});
