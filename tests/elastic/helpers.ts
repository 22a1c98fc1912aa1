import type { GraphBuilder, Value } from '../../src/graph/builder.ts';
import { tensor, type Tensor } from '../../src/graph/tensor.ts';
import type { Model } from '../../src/contracts/model.ts';
import type { ParameterSet } from '../../src/contracts/parameters.ts';
import type { StandingWaveOptions } from '../../src/physics/elastic/standing-wave.ts';
import { StandingWave } from '../../src/physics/elastic/standing-wave.ts';
import { elasticInitialSchema, elasticResidualSchema } from '../../src/train/losses/elastic/elastic-terms.ts';

/**
 * A "network" that IS the standing wave, written in graph ops (times a trainable scale, 1 at start): with it the
 * elastic residual must vanish, so the loss term's derivative plumbing is checked against an exact solution.
 */
export function standingWaveModel(o: StandingWaveOptions): Model {
  const wave = new StandingWave(o);
  return {
    forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet) {
      const xyt = inputs.xyt;
      const dt = xyt.dtype;
      const col = (j: number) => g.slice(xyt, [j], [j + 1], [1]);
      const pi = g.scalar(Math.PI, dt);
      const [x, y, t] = [col(0), col(1), col(2)];
      const [sx, cx, sy, cy] = [g.sin(g.mul(pi, x)), g.cos(g.mul(pi, x)), g.sin(g.mul(pi, y)), g.cos(g.mul(pi, y))];
      const time = (omega: number, amp: number) => g.mul(g.scalar(Math.PI * amp, dt), g.cos(g.sub(g.mul(g.scalar(omega, dt), t), g.scalar(o.phase, dt))));
      const p = time(wave.omegaP, o.p_amplitude);
      const s = time(wave.omegaS, o.s_amplitude);
      const ux = g.add(g.mul(p, g.mul(cx, sy)), g.mul(s, g.mul(sx, cy)));
      const uy = g.sub(g.mul(p, g.mul(sx, cy)), g.mul(s, g.mul(cx, sy)));
      const scale = params.declare('scale', [1], { kind: 'constant', value: 1 });
      return { u: g.mul(scale, g.concat([ux, uy], 1)) };
    },
    effectiveSettings: () => ({}),
  };
}

export const residualTerm = (extra: Record<string, unknown> = {}) => elasticResidualSchema.parse({ kind: 'elastic_residual', ...extra });
export const initialTerm = (extra: Record<string, unknown> = {}) => elasticInitialSchema.parse({ kind: 'elastic_initial', ...extra });

/** n seeded points in [0.05, 0.95]² × [0, tMax] as a [n, 3] tensor, plus the wave's displacement and velocity there. */
export function wavePoints(wave: StandingWave, n: number, tMax: number, dtype: 'float32' | 'float64', t0?: number): Record<'xyt' | 'u_ref' | 'v_ref', Tensor> {
  const xyt: number[] = [];
  const u: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = [0.05 + 0.9 * frac(i * 0.618034), 0.05 + 0.9 * frac(i * 0.414214 + 0.3), t0 ?? tMax * frac(i * 0.732051 + 0.1)];
    xyt.push(...p);
    u.push(...wave.displacement(p[0], p[1], p[2]));
    v.push(...wave.velocity(p[0], p[1], p[2]));
  }
  return { xyt: tensor(dtype, [n, 3], xyt), u_ref: tensor(dtype, [n, 2], u), v_ref: tensor(dtype, [n, 2], v) };
}

const frac = (v: number) => v - Math.floor(v);
