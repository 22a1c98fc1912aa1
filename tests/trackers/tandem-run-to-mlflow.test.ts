import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/orchestrator/run-experiment.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { MockMlflowServer } from './mock-mlflow-server.ts';
import { FAST_RETRY } from './rest-harness.ts';
import { tempDir } from './tracker-harness.ts';

// spec: specs/tracking.md §1 (config, artifacts) — the tracker selected by config, fed by a real training run's hooks.

const repoRoot = join(import.meta.dirname, '..', '..');

/** What a tiny quickstart run uploads by default: the config, then its report files under their run-directory paths. */
const REPORT_ARTIFACTS = ['config.yaml', 'plots/quickstart-analytic-loss.svg', 'plots/quickstart-analytic-loss.vl.json', 'report.html', 'results.json', 'summary.json'];

async function quickstartRun(root: string, trackerOverrides: string[]) {
  return runExperiment({
    configFile: join(repoRoot, 'conf', 'quickstart-analytic.yaml'),
    overrides: ['+tracker.name=mlflow', ...trackerOverrides, 'train.epochs=2'],
    builtins: builtinPlugins,
    outputsRoot: join(root, 'outputs'),
  });
}

describe('tandem run with tracker mlflow', () => {
  it('records the per-epoch metrics of every loss term, the config as params, the reports as artifacts and a FINISHED run in ./mlruns', async () => {
    const root = tempDir('tandem-run');
    const store = join(root, 'mlruns');
    const { runDir } = await quickstartRun(root, [`+tracker.params.tracking_uri=file:${store}`]);
    const back = JSON.parse(execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'mlruns_reader.py'), store], { encoding: 'utf8' })) as {
      problems: unknown[];
      experiments: { dir: string; meta: { name: string }; runs: { dir: string; meta: { status: number }; params: Record<string, string>; tags: Record<string, string>; metrics: Record<string, { step: number }[]>; artifacts: string[] }[] }[];
    };
    expect(back.problems).toEqual([]);
    const experiment = back.experiments.find((e) => e.meta.name === 'quickstart-analytic');
    const run = experiment?.runs[0];
    expect(run?.meta.status).toBe(3);
    expect(run?.tags['tandem.run_dir']).toBe(runDir);
    expect(run?.params['train.epochs']).toBe('2');
    expect(run?.params['tracker.name']).toBe('mlflow');
    for (const key of ['train/loss', 'train/loss:data', 'validation/loss', 'validation/loss:data', 'lr']) {
      expect(run?.metrics[key]?.length, key).toBe(2);
    }
    // The step is the optimizer step count at the end of each epoch: increasing, not the epoch index.
    const steps = run?.metrics['train/loss']?.map((p) => p.step) ?? [];
    expect(steps[1]).toBeGreaterThan(steps[0] as number);
    expect(run?.artifacts).toEqual(REPORT_ARTIFACTS);
    // summary.json is written by the json reporter in onRunEnd: uploaded because reporters end before trackers.
    const artifact = (name: string) => readFileSync(join(store, experiment?.dir ?? '', run?.dir ?? '', 'artifacts', name), 'utf8');
    expect(JSON.parse(artifact('summary.json')).status).toBe('complete');
    expect(artifact('results.json')).toBe(readFileSync(join(runDir, 'results.json'), 'utf8'));
    // Every training run's report: the loss curve beside the final losses.
    const report = artifact('report.html');
    expect(report).toContain('<img src="plots/quickstart-analytic-loss.svg"');
    expect(report).toMatch(/<th>final validation loss<\/th><td>\d\.\d{4}e-\d+<\/td>/);
    expect(artifact('plots/quickstart-analytic-loss.svg').startsWith('<svg')).toBe(true);
  });

  it('uploads the same report files to a tracking server', async () => {
    const mock = await MockMlflowServer.start();
    try {
      const root = tempDir('tandem-run-rest');
      const retry = Object.entries(FAST_RETRY).map(([k, v]) => `+tracker.params.retry.${k}=${v}`);
      const { runDir } = await quickstartRun(root, [`+tracker.params.tracking_uri=${mock.url}`, ...retry]);
      const [stored] = [...mock.runs.values()];
      expect(stored?.info.status).toBe('FINISHED');
      const prefix = `${stored?.info.experiment_id}/${stored?.info.run_id}/artifacts/`;
      const uploaded = [...mock.artifacts.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
      expect(uploaded.sort()).toEqual(REPORT_ARTIFACTS);
      expect(JSON.parse(mock.artifacts.get(`${prefix}summary.json`)?.toString() ?? '{}').status).toBe('complete');
      expect(mock.artifacts.get(`${prefix}results.json`)?.toString()).toBe(readFileSync(join(runDir, 'results.json'), 'utf8'));
    } finally {
      await mock.close();
    }
  });
});
