import { afterAll, describe, expect, it } from 'vitest';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import type { Session } from '../../src/contracts/backend.ts';
import { tensor, type Tensor } from '../../src/graph/tensor.ts';
import type { Material } from '../../src/physics/elastic/material.ts';
import { StandingWave } from '../../src/physics/elastic/standing-wave.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import type { LossTermConfig } from '../../src/train/losses/loss-kind.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram } from '../../src/train/program.ts';
import { initialTerm, residualTerm, standingWaveModel, wavePoints } from './helpers.ts';

// specs/elastic-pinn.md §3: the elastic_residual and elastic_initial terms, with second derivatives from our
// autodiff, vanish on the exact solution and equal the finite-difference residual for a wrong material.
const WAVE = { p_amplitude: 0.1, s_amplitude: 0.07, phase: 0.5, material: { lambda: 2, mu: 1, rho: 1 } };
const wave = new StandingWave(WAVE);
const sessions: Session[] = [];
afterAll(() => Promise.all(sessions.map((s) => s.dispose())));

const N = 24;
const MATERIAL_KEYS = ['lambda', 'mu', 'rho'] as const;

/** One session per loss config; a material not given in the terms is fed as data (the adapter's constants). */
async function sessionFor(terms: Record<string, LossTermConfig>): Promise<Session> {
  const program = buildTrainingProgram(
    {
      name: 'elastic-term',
      model: standingWaveModel(WAVE),
      seed: 0,
      dtype: 'float64',
      inputs: {
        xyt: { dtype: 'float64', shape: [3], perSample: true },
        u_ref: { dtype: 'float64', shape: [2], perSample: true },
        v_ref: { dtype: 'float64', shape: [2], perSample: true },
        ...Object.fromEntries(MATERIAL_KEYS.map((k) => [k, { dtype: 'float64' as const, shape: [1], perSample: false }])),
      },
      loss: lossBuilder(terms),
      optimizer: createOptimizer({ name: 'sgd', lr: 0.1 }),
    },
    N,
  );
  const session = await (await ortBackend.create(ortBackend.params.parse({ dtype: 'float64', threads: 1 }))).compile(program);
  sessions.push(session);
  return session;
}

function feed(m: Material, t0?: number) {
  return new Map([...Object.entries(wavePoints(wave, N, 0.5, 'float64', t0)), ...MATERIAL_KEYS.map((k): [string, Tensor] => [k, tensor('float64', [1], [m[k]])])]);
}

/** kwavers' ½(mean R_x² + mean R_y²) with R from central differences of the analytic field, for material m. */
function fdLoss(m: Material): number {
  const h = 1e-3;
  const pts = wavePoints(wave, N, 0.5, 'float64').xyt.data as Float64Array;
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const [x, y, t] = [pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]];
    const u = (dx: number, dy: number, dt: number) => wave.displacement(x + dx, y + dy, t + dt);
    const d2 = (c: number, a: [number, number, number]) => (u(...a)[c] - 2 * u(0, 0, 0)[c] + u(-a[0], -a[1], -a[2])[c]) / (h * h);
    const dxy = (c: number) => (u(h, h, 0)[c] - u(h, -h, 0)[c] - u(-h, h, 0)[c] + u(-h, -h, 0)[c]) / (4 * h * h);
    const rx = m.rho * d2(0, [0, 0, h]) - ((m.lambda + 2 * m.mu) * d2(0, [h, 0, 0]) + m.mu * d2(0, [0, h, 0]) + (m.lambda + m.mu) * dxy(1));
    const ry = m.rho * d2(1, [0, 0, h]) - ((m.lambda + 2 * m.mu) * d2(1, [0, h, 0]) + m.mu * d2(1, [h, 0, 0]) + (m.lambda + m.mu) * dxy(0));
    sum += rx * rx + ry * ry;
  }
  return sum / (2 * N);
}

describe('elastic loss terms on the exact standing wave (ORT, float64)', () => {
  it('the PDE residual vanishes for the true material, and equals the finite-difference residual for wrong ones', async () => {
    const session = await sessionFor({ pde: residualTerm() });
    expect((await session.evaluate(feed(WAVE.material))).terms.pde).toBeLessThan(1e-20);
    for (const m of [{ lambda: 2.5, mu: 1, rho: 1 }, { lambda: 2, mu: 1.3, rho: 0.9 }]) {
      const got = (await session.evaluate(feed(m))).terms.pde;
      const want = fdLoss(m);
      expect(want).toBeGreaterThan(1);
      expect(Math.abs(got - want) / want, JSON.stringify(m)).toBeLessThan(1e-4);
    }
  });

  it('a material given as numbers in the term is used instead of data', async () => {
    const session = await sessionFor({ pde: residualTerm({ lambda: 2.5, mu: 1, rho: 1 }) });
    const got = (await session.evaluate(feed(WAVE.material))).terms.pde;
    expect(Math.abs(got - fdLoss({ lambda: 2.5, mu: 1, rho: 1 })) / got).toBeLessThan(1e-4);
  });

  it('the initial-condition term vanishes at t = 0 against the wave, and sees a wrong velocity', async () => {
    const session = await sessionFor({ ok: initialTerm(), bad: initialTerm({ velocity: 'u_ref' }) });
    const r = await session.evaluate(feed(WAVE.material, 0));
    expect(r.terms.ok).toBeLessThan(1e-24);
    // Against the displacement as "velocity" the term is ½ mean (u_t − u)² > 0.
    expect(r.terms.bad).toBeGreaterThan(1e-2);
  });
});
