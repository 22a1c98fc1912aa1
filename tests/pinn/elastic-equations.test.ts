import { afterAll, describe, expect, it } from 'vitest';
import { elasticAdapter } from '../../src/plugins/adapters/elastic/elastic-adapter.ts';
import type { Session } from '../../src/contracts/backend.ts';
import { mlpModel } from '../../src/plugins/models/mlp/mlp.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import type { LossTermConfig } from '../../src/train/losses/loss-kind.ts';
import type { PointDomain } from '../../src/physics/pinn/point-domain.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram } from '../../src/train/program.ts';
import { constantFeeds, feedOf } from '../../src/train/trainer.ts';
import { ortSession, terms } from './helpers.ts';

// specs/pinn.md §5: the 2D elastic-wave PINN (specs/elastic-pinn.md) written as equations gives the loss values
// of the hand-written `elastic_residual` kind, on the elastic adapter's own points and the same network weights.
const R_X = 'rho*ux_tt - ((lambda + 2*mu)*ux_xx + mu*ux_yy + (lambda + mu)*uy_xy)';
const R_Y = 'rho*uy_tt - ((lambda + 2*mu)*uy_yy + mu*uy_xx + (lambda + mu)*ux_xy)';
const MATERIAL = { lambda: 2, mu: 1, rho: 1 };
const adapter = await elasticAdapter.create(elasticAdapter.params.parse({ material: MATERIAL, t_max: 0.25, points: { interior: 40, boundary: 12, initial: 12 }, test_grid: { n: 3, nt: 2 } }));
const data = adapter.container();
const n = data.split.train.length;
const feed = feedOf(data.epoch('train', { batchSize: n, seed: 0, epoch: 0, shuffle: false }).at(0), constantFeeds(data));
const inputs = Object.fromEntries(Object.entries(data.specs()).map(([k, s]) => [k, { dtype: 'float64' as const, shape: s.shape, perSample: s.perSample }]));
const sessions: Session[] = [];
afterAll(() => Promise.all(sessions.map((s) => s.dispose())));

async function session(outputs: { output: string } | { outputs: string[] }, loss: Record<string, LossTermConfig>, domain?: PointDomain) {
  const model = await mlpModel.create(mlpModel.params.parse({ input: 'xyt', in_features: 3, hidden: [16, 16], out_features: 2, activation: 'sin', init: 'xavier', ...outputs }));
  const program = buildTrainingProgram({ name: 'elastic', model, seed: 3, dtype: 'float64', inputs, loss: lossBuilder(loss, 'train.loss', domain ? { domain } : {}), optimizer: createOptimizer({ name: 'sgd', lr: 0.1 }) }, n);
  const s = await ortSession(program);
  sessions.push(s);
  return s;
}

describe('the elastic-wave PINN written with equations', () => {
  it('gives the same residual loss and parameter gradients as elastic_residual', async () => {
    const handWritten = await session({ output: 'u' }, terms({ pde: { kind: 'elastic_residual', mask: 'mask_pde' } }));
    const domain: PointDomain = { where: 'adapter.params', coords: 'xyt', coordinates: ['x', 'y', 't'], constants: { lambda: { value: 2 }, mu: { value: 1 }, rho: { value: 1 } }, sets: { interior: 'mask_pde' }, solution: {} };
    const equations = await session({ outputs: ['ux', 'uy'] }, terms({ pde: { kind: 'residual', equation: [R_X, R_Y], on: 'interior' } }), domain);
    const [a, b] = [await handWritten.gradients(feed), await equations.gradients(feed)];
    expect(a.terms.pde).toBeGreaterThan(1e-3);
    expect(Math.abs(b.terms.pde - a.terms.pde) / a.terms.pde).toBeLessThan(1e-12);
    expect([...b.grads.keys()]).toEqual([...a.grads.keys()]);
    for (const [name, g] of a.grads) {
      const h = b.grads.get(name)!.data as Float64Array;
      const scale = Math.max(...(g.data as Float64Array).map(Math.abs));
      (g.data as Float64Array).forEach((v, i) => expect(Math.abs(h[i] - v), name).toBeLessThanOrEqual(1e-10 * scale));
    }
  });
});
