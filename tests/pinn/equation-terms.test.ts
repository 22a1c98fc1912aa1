import { afterAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src/contracts/backend.ts';
import { lossTermEstimates } from '../../src/train/losses/loss-builder.ts';
import { analyticFeed, analyticProgram, domainOf, ortSession, terms } from './helpers.ts';

// specs/pinn.md §3: an equation compiles to forward ops whose derivatives come from scope.derivative. On a
// "network" that is a known function, every derivative form must equal its closed form (float64, ORT).
const sessions: Session[] = [];
afterAll(() => Promise.all(sessions.map((s) => s.dispose())));

const U = 'sin(2*x)*cos(3*y)*exp(0.5*t)';
const CLOSED: Record<string, string> = {
  first: `u_x - 2*cos(2*x)*cos(3*y)*exp(0.5*t)`,
  mixed: `u_xt - cos(2*x)*cos(3*y)*exp(0.5*t)`,
  mixed_reversed: `u_tx - cos(2*x)*cos(3*y)*exp(0.5*t)`,
  third_by_d: `d(u, y, 3) - 27*sin(2*x)*sin(3*y)*exp(0.5*t)`,
  fourth: `u_xxyy - 36*${U}`,
  second_field: 'v_xxt - 2',
  functions: 'cosh(x)^2 - sinh(x)^2 - 1 + tan(x)*cos(x) - sin(x) + sqrt(abs(-x^2)) - abs(x) + log(exp(t)) - t + tanh(y)*cosh(y) - sinh(y)',
  operators: '-(-u) + 2^3 * v / 8 - (u + v) - pi + 3.141592653589793',
};

async function values(raw: Record<string, string>, domain = domainOf()) {
  const program = analyticProgram(terms(Object.fromEntries(Object.entries(raw).map(([k, equation]) => [k, { kind: 'residual', equation, on: 'all' }]))), domain);
  const session = await ortSession(program);
  sessions.push(session);
  return { program, session, terms: (await session.evaluate(analyticFeed())).terms };
}

describe('equations compile to the derivatives they name', () => {
  it('every derivative form and function equals its closed form on an analytic field', async () => {
    const { terms: got, program } = await values(CLOSED);
    for (const name of Object.keys(CLOSED)) expect(got[name], name).toBeLessThan(1e-20);
    // Passes: ∇u, ∇u_x (u_xt, u_tx and u_xxyy's first step share it), ∇u_y, ∇u_yy, ∇u_xx, ∇u_xxy; ∇v, ∇v_x, ∇v_xx.
    expect(program.derivatives.length).toBe(9);
  });

  it('a wrong closed form leaves a residual: the check can fail', async () => {
    const { terms: got } = await values({ wrong_factor: `u_xt - 2*cos(2*x)*cos(3*y)*exp(0.5*t)`, wrong_order: `u_xx - 2*cos(2*x)*cos(3*y)*exp(0.5*t)`, wrong_field: 'v_t - 2*x*t' });
    for (const [name, v] of Object.entries(got)) expect(v, name).toBeGreaterThan(1e-2);
  });

  it('a vector equation averages the mean squares of its components', async () => {
    const { terms: got } = await values({ one: 'u_x', two: 'v - 1', both: ['u_x', 'v - 1'] } as never);
    expect(got.both).toBeCloseTo((got.one + got.two) / 2, 14);
  });

  it('a trained constant is one parameter shared by the terms that name it, and its estimate is read back', async () => {
    const domain = domainOf({ nu: { init: 0.5, trainable: true, positive: true }, k: { init: -2, trainable: true, positive: false }, c: { value: 3 } });
    const { program, session, terms: got } = await values({ pde: 'nu*u_x - 0.5*u_x', ic: 'nu - 0.5 + k + 2 + c - 3', other: 'u' }, domain);
    expect(got.pde).toBeLessThan(1e-28);
    expect(got.ic).toBeLessThan(1e-28);
    expect(program.params.map((p) => p.name)).toEqual(['scale', 'constants.log_nu', 'constants.k']);
    const config = terms({ pde: { kind: 'residual', equation: 'nu*u_x - 0.5*u_x', on: 'all' }, ic: { kind: 'residual', equation: 'k + 1', on: 'all' } });
    const estimates = lossTermEstimates(config as never, session.getState());
    expect(estimates['pde.nu']).toBeCloseTo(0.5, 14);
    expect(estimates['ic.k']).toBe(-2);
  });
});
