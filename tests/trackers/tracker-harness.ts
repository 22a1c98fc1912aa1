import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { mlflowTracker, type MlflowTracker } from '../../src/plugins/trackers/mlflow/mlflow-tracker.ts';
import type { RunStart, RunStatus, RunSummary } from '../../src/contracts/run-hooks.ts';

/** A run as the workflow hands it to trackers: a run directory with the echoed config, and the hook arguments. */
export const CONFIG = {
  experiment: { name: 'heat-pinn', seed: 0 },
  backend: { name: 'onnxruntime', params: { threads: 1 } },
  model: { name: 'mlp', params: { hidden: [32, 32], activation: 'tanh' } },
  train: { epochs: 3, optimizer: { name: 'adam', lr: 0.003 }, early_stop: null },
};

export interface HarnessRun {
  readonly runDir: string;
  readonly start: RunStart;
  summary(status: RunStatus, error?: string): RunSummary;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tandem-${prefix}-`));
}

export function makeRun(root: string, tags?: Record<string, string>): HarnessRun {
  const runDir = join(root, 'outputs', '2026-11-23', '04-05-06');
  mkdirSync(join(runDir, '.tandem'), { recursive: true });
  writeFileSync(join(runDir, '.tandem', 'config.yaml'), stringify(CONFIG, { sortMapEntries: true }));
  const start: RunStart = { runDir, experiment: CONFIG.experiment.name, configHash: 'c0ffee'.repeat(10) + 'abcd', config: CONFIG, ...(tags ? { tags } : {}) };
  return {
    runDir,
    start,
    summary: (status, error) => ({
      status,
      runDir,
      experiment: start.experiment,
      configHash: start.configHash,
      startedAt: '2026-11-23T04:05:06.000Z',
      endedAt: '2026-11-23T04:05:09.000Z',
      stages: [],
      ...(error ? { error } : {}),
    }),
  };
}

export async function createTracker(params: Record<string, unknown>): Promise<MlflowTracker> {
  return mlflowTracker.create(mlflowTracker.params.parse(params));
}
