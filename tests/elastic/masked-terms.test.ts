import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/graph/tensor.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { mlpModel } from '../../src/plugins/models/mlp/mlp.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram } from '../../src/train/program.ts';

// specs/elastic-pinn.md §3: the data kinds with `mask` (how PINN point sets share one batch) against host sums.
describe('masked data terms (mse, l1, rel_l2 with mask)', () => {
  it('average over the selected rows only; an empty mask gives 0 with finite gradients', async () => {
    const n = 6;
    const model = await mlpModel.create(mlpModel.params.parse({ in_features: 1, hidden: [4], out_features: 2, output: 'p' }));
    const program = buildTrainingProgram(
      {
        name: 'masked',
        model,
        seed: 1,
        dtype: 'float64',
        inputs: { x: { dtype: 'float64', shape: [1], perSample: true }, y: { dtype: 'float64', shape: [2], perSample: true }, m: { dtype: 'float64', shape: [1], perSample: true } },
        loss: lossBuilder({
          mse: { kind: 'mse', output: 'p', target: 'y', mask: 'm', weight: 1 },
          l1: { kind: 'l1', output: 'p', target: 'y', mask: 'm', weight: 1 },
          rel: { kind: 'rel_l2', output: 'p', target: 'y', mask: 'm', weight: 0 },
        }),
        optimizer: createOptimizer({ name: 'sgd', lr: 0.1 }),
      },
      n,
    );
    const session = await (await ortBackend.create(ortBackend.params.parse({ dtype: 'float64', threads: 1 }))).compile(program);
    const x = tensor('float64', [n, 1], [0.1, -0.4, 0.7, 0.2, -0.9, 0.5]);
    const y = tensor('float64', [n, 2], [1, 2, -1, 0.5, 0.3, 0.3, 2, -2, 0.1, 0.9, -0.7, 1.1]);
    const mask = [1, 0, 1, 1, 0, 0];
    const feed = (m: number[]) => new Map([['x', x], ['y', y], ['m', tensor('float64', [n, 1], m)]]);
    const p = (await session.forward(feed(mask))).get('p')!.data as Float64Array;
    const rows = mask.flatMap((m, i) => (m ? [i] : []));
    const diffs = rows.flatMap((i) => [0, 1].map((c) => p[2 * i + c] - (y.data[2 * i + c] as number)));
    const r = await session.gradients(feed(mask));
    expect(r.terms.mse).toBeCloseTo(diffs.reduce((s, d) => s + d * d, 0) / diffs.length, 12);
    expect(r.terms.l1).toBeCloseTo(diffs.reduce((s, d) => s + Math.abs(d), 0) / diffs.length, 12);
    const targetNorm = Math.sqrt(rows.flatMap((i) => [0, 1].map((c) => (y.data[2 * i + c] as number) ** 2)).reduce((s, v) => s + v, 0));
    expect(r.terms.rel).toBeCloseTo(Math.sqrt(diffs.reduce((s, d) => s + d * d, 0)) / targetNorm, 10);

    const empty = await session.gradients(feed([0, 0, 0, 0, 0, 0]));
    expect(empty.loss).toBe(0);
    expect(empty.terms.rel).toBeLessThan(1e-14);
    for (const [name, g] of empty.grads) expect([...(g.data as Float64Array)].every((v) => v === 0), name).toBe(true);
    await session.dispose();
  });
});
