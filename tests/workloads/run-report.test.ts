// The workload evaluation after training (src/train/evaluation/, src/reports/run-plots/): a real `tandem run` of
// conf/burgers.yaml and conf/darcy_fno.yaml with tiny overrides writes its metrics JSON and a report with SVG plots,
// and the metrics agree with the loss the backend computed independently on the same test split.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'tandem-workload-report-'));

async function run(name: string, config: string, overrides: readonly string[]): Promise<string> {
  const outputs = join(root, name);
  const r = await cli('run', config, ...overrides, '--outputs', outputs);
  expect(r.code, r.stderr).toBe(0);
  const [day] = readdirSync(outputs);
  const [time] = readdirSync(join(outputs, day));
  return join(outputs, day, time);
}

const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

function expectPlots(dir: string, ids: readonly string[]) {
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  for (const id of ids) {
    const svg = readFileSync(join(dir, 'plots', `${id}.svg`), 'utf8');
    expect(svg.startsWith('<svg'), id).toBe(true);
    expect(html).toContain(`plots/${id}.svg`);
  }
}

describe('workload run reports', () => {
  it('burgers: per-step rollout errors over the test windows, plotted; step 1 agrees with a 1-step rollout loss', async () => {
    const dir = await run('burgers', 'conf/burgers.yaml', [
      'adapter.params.n_sims=4',
      'adapter.params.steps=8',
      'adapter.params.rollout=5',
      'adapter.params.resolution=32',
      `adapter.params.cache_dir=${join(root, 'cache-burgers')}`,
      'train.epochs=1',
      'train.batch_size=4',
      'train.loss.rollout.horizon=1',
    ]);
    const metrics = json(dir, 'rollout-metrics.json');
    expect(metrics.horizon).toBe(5);
    expect(metrics.train_horizon).toBe(1);
    expect(metrics.per_step.map((s: { step: number }) => s.step)).toEqual([1, 2, 3, 4, 5]);
    for (const s of metrics.per_step) {
      expect(s.l1).toBeGreaterThan(0);
      expect(s.l1).toBeLessThanOrEqual(s.l2);
      expect(s.l2).toBeLessThanOrEqual(s.linf);
    }
    // With horizon 1 the validation rollout loss IS the step-1 mean square error over the same windows.
    const validation = json(dir, 'results.json').final.validation.loss;
    expect(metrics.per_step[0].l2 ** 2).toBeCloseTo(validation, 6);
    expect(Math.abs(metrics.per_step[0].l2 ** 2 / validation - 1)).toBeLessThan(1e-4);
    expectPlots(dir, ['burgers-loss', 'burgers-rollout-errors', 'burgers-example']);
  }, 120_000);

  it('darcy: relative L2 in physical units, de-normalised with the training statistics; MSE agrees with the normalised loss', async () => {
    const dir = await run('darcy', 'conf/darcy_fno.yaml', [
      'adapter.params.resolution=16',
      'adapter.params.n_train=8',
      'adapter.params.n_test=4',
      `adapter.params.cache_dir=${join(root, 'cache-darcy')}`,
      'model.params.width=4',
      'model.params.layers=1',
      'model.params.modes=4',
      'train.epochs=1',
      'train.batch_size=4',
    ]);
    const metrics = json(dir, 'field-metrics.json');
    expect(metrics.samples).toBe(4);
    expect(metrics.denormalized).toBe(true);
    expect(metrics.rel_l2).toBeGreaterThan(0);
    // MSE in physical units = normalised MSE (the validation loss) × std² of the target.
    const validation = json(dir, 'results.json').final.validation.loss;
    expect(Math.abs(metrics.mse / (validation * metrics.normalization.darcy.std ** 2) - 1)).toBeLessThan(1e-4);
    expectPlots(dir, ['darcy_fno-loss', 'darcy_fno-example']);
    expect(existsSync(join(dir, 'rollout-metrics.json'))).toBe(false);
  }, 120_000);
});
