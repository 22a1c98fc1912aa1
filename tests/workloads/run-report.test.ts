// The workload evaluation after training (src/train/evaluation/, src/reports/run-plots/): a real `tandem run` of
// conf/burgers.yaml, conf/darcy_fno.yaml, conf/ptycho.yaml and conf/elastic_pinn.yaml with tiny overrides writes its
// metrics and a report.html with the workload's own evaluation plotted, and the metrics agree with the loss the
// backend computed independently on the same test split. Each report is screenshot in headless Chromium
// (report-screenshot.png beside it) and its plots checked on screen.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.ts';
import { missingChromium, screenshot } from '../reports/chromium.ts';
import { countColour } from '../reports/png-pixels.ts';

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

interface Panel {
  title: string;
  encoding: { color: { scale: { domain?: number[]; scheme: string } } };
}
const panelsOf = (dir: string, id: string): Panel[] => json(join(dir, 'plots'), `${id}.vl.json`).hconcat;

/** Prediction and truth on one colour scale, the error on its own scale centred on 0, in a field figure. */
function expectSharedScale(dir: string, id: string, predicted: RegExp, truth: RegExp) {
  const panels = panelsOf(dir, id);
  const domain = (re: RegExp) => panels.find((p) => re.test(p.title))?.encoding.color.scale.domain;
  expect(domain(predicted), `${id} predicted`).toBeDefined();
  expect(domain(predicted)).toStrictEqual(domain(truth));
  const error = domain(/error/) as number[];
  expect(error[0]).toBe(-error[1]);
}

const noChromium = missingChromium('tests/workloads/run-report.test.ts');
const VIRIDIS_YELLOW = [0xfd, 0xe7, 0x25] as const;
const VIRIDIS_PURPLE = [0x44, 0x01, 0x54] as const;
const SERIES_BLUE = [0x4c, 0x78, 0xa8] as const;

/** The report in headless Chromium: the loss curve's line and the heatmaps' colour ranges are on screen. */
async function expectOnScreen(dir: string, height: number) {
  if (noChromium) return;
  const shot = await screenshot(join(dir, 'report.html'), join(dir, 'report-screenshot.png'), [1150, height]);
  expect(countColour(shot, SERIES_BLUE, 30), 'loss curve').toBeGreaterThan(100);
  expect(countColour(shot, VIRIDIS_YELLOW, 40), 'heatmap high end').toBeGreaterThan(50);
  expect(countColour(shot, VIRIDIS_PURPLE, 40), 'heatmap low end').toBeGreaterThan(50);
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
    expectSharedScale(dir, 'burgers-example', /^prediction/, /^truth/);
    await expectOnScreen(dir, 1900);
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
    expectSharedScale(dir, 'darcy_fno-example', /predicted/, /true/);
    await expectOnScreen(dir, 1300);
  }, 120_000);

  it('ptycho: amplitude and phase reconstructions beside the truth, the metrics table, and the negative NLL on a symlog axis', async () => {
    const dir = await run('ptycho', 'conf/ptycho.yaml', ['train.epochs=2', `adapter.params.path=${join(root, 'ptycho-sim.npz')}`, 'adapter.params.simulate.object_size=32', 'adapter.params.n_groups=25']);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/<th>reconstruction amplitude<\/th><td>MAE [0-9.]+, PSNR -?[0-9.]+ dB, FRC\(1\/7\) [0-9.]+ of Nyquist/);
    expect(html).toMatch(/<th>reconstruction phase<\/th><td>MAE [0-9.]+ rad/);
    expectPlots(dir, ['ptycho-loss', 'ptycho-amplitude', 'ptycho-phase']);
    expectSharedScale(dir, 'ptycho-amplitude', /amplitude, predicted/, /amplitude, true/);
    expectSharedScale(dir, 'ptycho-phase', /phase, predicted/, /phase, true/);
    expect(panelsOf(dir, 'ptycho-phase').map((p) => p.title)).toStrictEqual(['phase, predicted (rad)', 'phase, true (rad)', 'phase error (rad, wrapped)']);
    const loss = json(join(dir, 'plots'), 'ptycho-loss.vl.json');
    expect(json(dir, 'results.json').final.train.loss).toBeLessThan(0);
    expect(loss.encoding.y).toMatchObject({ title: 'loss − min(loss), symlog', scale: { type: 'symlog' } });
    await expectOnScreen(dir, 1500);
  }, 120_000);

  it('elastic: the L-BFGS phase in the loss curve, the test error instead of a validation total of 0, and field maps against the exact wave', async () => {
    const dir = await run('elastic', 'conf/elastic_pinn.yaml', [
      'train.epochs=5',
      'train.lbfgs.steps=2',
      'adapter.params.points.interior=100',
      'adapter.params.points.boundary=40',
      'adapter.params.points.initial=40',
      'adapter.params.test_grid.n=5',
      'adapter.params.test_grid.nt=2',
    ]);
    const loss = json(join(dir, 'plots'), 'elastic-pinn-loss.vl.json');
    const rows = loss.layer[0].data.values as { x: number; loss: number; series: string }[];
    const series = (name: string) => rows.filter((r) => r.series.startsWith(name));
    expect(series('train, L-BFGS').map((r) => r.x)).toStrictEqual([5, 6, 7]);
    expect(series('train, L-BFGS').at(-1)?.loss).toBe(json(dir, 'results.json').final.train.loss);
    expect(series('validation (after')).toHaveLength(0);
    expect(series('validation test').map((r) => r.loss)).toStrictEqual(json(dir, 'results.json').history.map((h: { validation: { terms: { test: number } } }) => h.validation.terms.test));
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/<th>relative L2 error at t = 0.25<\/th><td>\d\.\d{4}e[-+]\d+ \(u_x and u_y, 41×41 grid\)/);
    expect(html).toMatch(/<th>final validation test<\/th><td>test \d\.\d{4}e[-+]\d+ \(weight 0: measured, not trained; no trained term applies on this split\)/);
    expect(html).not.toContain('final validation loss');
    expectPlots(dir, ['elastic-pinn-loss', 'elastic-u_x', 'elastic-u_y']);
    expectSharedScale(dir, 'elastic-u_x', /predicted/, /exact/);
    await expectOnScreen(dir, 1500);
  }, 120_000);
});
