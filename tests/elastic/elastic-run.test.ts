import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainSchema } from '../../src/orchestrator/config/train-schema.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { elasticAdapter } from '../../src/plugins/adapters/elastic/elastic-adapter.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { mlpModel } from '../../src/plugins/models/mlp/mlp.ts';
import { silentProgress } from '../../src/train/progress.ts';
import { TrainingRun, type TrainSettings } from '../../src/train/training-run.ts';
import { trainingStages } from '../../src/train/training-stages.ts';

// specs/elastic-pinn.md §4, §6: the config path (adapter → loss kinds from train.loss → Adam → L-BFGS) and the
// errors a person sees for bad input, naming the key. builtinPlugins registers the elastic loss kinds.
expect(builtinPlugins.some((p) => p.name === 'elastic')).toBe(true);

const SMALL = { points: { interior: 40, boundary: 16, initial: 16 }, test_grid: { n: 3, nt: 2 } };
const LOSS = {
  pde: { kind: 'elastic_residual', mask: 'mask_pde' },
  bc: { kind: 'mse', output: 'u', target: 'u_ref', mask: 'mask_bc', weight: 10 },
  ic: { kind: 'elastic_initial', mask: 'mask_ic', weight: 10 },
  test: { kind: 'rel_l2', output: 'u', target: 'u_ref', mask: 'mask_test', weight: 0 },
};

async function elasticRun(train: Record<string, unknown>, adapter: Record<string, unknown> = {}) {
  const settings = trainSchema.parse({ epochs: 5, batch_size: 1000, optimizer: { name: 'adam', lr: 1e-2 }, loss: LOSS, ...train }) as TrainSettings;
  return new TrainingRun({
    adapter: await elasticAdapter.create(elasticAdapter.params.parse({ ...SMALL, ...adapter })),
    model: await mlpModel.create(mlpModel.params.parse({ input: 'xyt', in_features: 3, hidden: [8], out_features: 2, output: 'u' })),
    backend: await ortBackend.create(ortBackend.params.parse({ threads: 1 })),
    runDir: mkdtempSync(join(tmpdir(), 'tandem-elastic-')),
    experiment: 'elastic-unit',
    seed: 0,
    progress: silentProgress,
    train: settings,
  });
}

describe('the elastic PINN through the config path', () => {
  it('trains with Adam then L-BFGS; the test term is the relative L2 error on the test grid (validation)', async () => {
    const run = await elasticRun({ lbfgs: { steps: 2, max_iter: 5, line_search_fn: 'strong_wolfe' } });
    const details: string[] = [];
    for (const stage of trainingStages(run)) details.push((await stage.execute()).detail);
    expect(details[0]).toContain('90 samples (train 72, validation 18)');
    expect(details[1]).toContain('loss terms pde, bc, ic, test');
    const lbfgs = /L-BFGS: (\d+) step\(s\), (\d+) evaluations .*; loss (\S+) → (\S+)/.exec(details[2]);
    expect(lbfgs, details[2]).not.toBeNull();
    expect(Number(lbfgs![4])).toBeLessThan(Number(lbfgs![3]));
    // Train rows hold no test rows (the metric is ~0 there); on the validation grid it is a real error in (0, 2).
    const row = (split: string) => details[3].split('\n').find((l) => l.startsWith(split))!.trim().split(/\s+/).map(Number);
    expect(row('train')[5]).toBeLessThan(1e-10);
    expect(row('validation')[5]).toBeGreaterThan(0.01);
    expect(row('validation')[5]).toBeLessThan(2);
  });

  it('an inverse run reports the material it estimates', async () => {
    const run = await elasticRun(
      { loss: { ...LOSS, pde: { kind: 'elastic_residual', mask: 'mask_pde', lambda: { trainable: 1 }, mu: { trainable: 0.5 }, rho: 1 }, data: { kind: 'mse', output: 'u', target: 'u_ref', mask: 'mask_data' } } },
      { provide_material: false, observations: 20 },
    );
    const details: string[] = [];
    for (const stage of trainingStages(run).slice(0, 3)) details.push((await stage.execute()).detail);
    expect(details[2]).toMatch(/estimated by the loss: pde\.lambda = [\d.]+, pde\.mu = [\d.]+/);
  });

  it('bad input is refused before training, naming the key', async () => {
    await expect(elasticRun({}, { material: { lambda: -1, mu: 1, rho: 1 } })).rejects.toThrow('adapter.params.material.lambda is -1, but the Lamé parameter λ must be ≥ 0');
    await expect(elasticRun({}, { material: { lambda: 1, mu: 1, rho: 0 } })).rejects.toThrow('adapter.params.material.rho is 0, but the density ρ must be > 0');
    await expect(elasticRun({}, { points: { interior: 0, boundary: 4, initial: 4 } })).rejects.toThrow('adapter.params.points.interior is 0: a PINN needs at least one interior collocation point');
    const negative = await elasticRun({ loss: { ...LOSS, pde: { kind: 'elastic_residual', mu: -2 } } });
    await negative.loadData();
    await expect(negative.buildModel()).rejects.toThrow('train.loss.pde.mu is -2, but the shear modulus μ must be > 0');
    const missing = await elasticRun({}, { provide_material: false });
    await missing.loadData();
    await expect(missing.buildModel()).rejects.toThrow('train.loss.pde.lambda is not set and the data has no key "lambda"');
    const issues = (loss: unknown) => trainSchema.safeParse({ epochs: 1, batch_size: 1, optimizer: { name: 'adam', lr: 1e-3 }, loss }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ pde: { kind: 'elastic_residul' } })?.join()).toMatch(/^loss\.pde\.kind: unknown loss kind 'elastic_residul'\. Registered loss kinds: mse, l1, rel_l2, .*elastic_residual.*\. Did you mean 'elastic_residual'\?/);
    expect(issues({ pde: { kind: 'elastic_residual', lamda: 2 } })?.join()).toMatch(/loss\.pde.*lamda/);
  });
});
