import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/orchestrator/run-experiment.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { tempDir } from './tracker-harness.ts';

// spec: specs/tracking.md §1 (config) — the tracker selected by config, fed by a real training run's hooks.

const repoRoot = join(import.meta.dirname, '..', '..');

describe('tandem run with tracker mlflow', () => {
  it('records the per-epoch metrics of every loss term, the config as params and a FINISHED run in ./mlruns', async () => {
    const root = tempDir('tandem-run');
    const store = join(root, 'mlruns');
    const { runDir } = await runExperiment({
      configFile: join(repoRoot, 'conf', 'quickstart-analytic.yaml'),
      overrides: ['+tracker.name=mlflow', `+tracker.params.tracking_uri=file:${store}`, 'train.epochs=2'],
      builtins: builtinPlugins,
      outputsRoot: join(root, 'outputs'),
    });
    const back = JSON.parse(execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'mlruns_reader.py'), store], { encoding: 'utf8' })) as {
      problems: unknown[];
      experiments: { meta: { name: string }; runs: { meta: { status: number }; params: Record<string, string>; tags: Record<string, string>; metrics: Record<string, { step: number }[]>; artifacts: string[] }[] }[];
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
    expect(run?.artifacts).toEqual(['config.yaml']);
  });
});
