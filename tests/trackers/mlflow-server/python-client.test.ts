import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../cli/run-cli.ts';
import { tempDir } from '../tracker-harness.ts';
import { missingMlflowServer, mlflowPythonPath } from './ci-mlflow-server.ts';
import { expectedArtifacts, expectedHistories, expectedParams } from './run-oracle.ts';

// spec: specs/tracking.md §2 (the folder store) — read by MLflow's own MlflowClient, from the same tarball the
// CI-provided MLflow server runs, not by a re-implementation of its reading rules.

const skip = missingMlflowServer('MLflow Python client');

interface ReadBack {
  mlflow: string;
  runs: { status: string; run_name: string; params: Record<string, string>; tags: Record<string, string>; metrics: Record<string, [number, number][]>; artifacts: string[]; results_json: string }[];
}

describe.skipIf(!!skip)("the folder store, read by MLflow's own Python client", () => {
  it('holds the run with its params, metric histories, tags and artifacts', async () => {
    const root = tempDir('mlflow-client');
    const store = join(root, 'mlruns');
    const r = await cli('run', 'conf/quickstart-analytic.yaml', 'train.epochs=3', '+tracker.name=mlflow', `+tracker.params.tracking_uri=file:${store}`, '--outputs', join(root, 'outputs'));
    expect(r.code, r.stderr).toBe(0);
    const runDir = resolve(/run directory: (\S+)/.exec(r.stdout)?.[1] as string);
    const out = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'read_with_mlflow.py'), store, 'quickstart-analytic'], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: mlflowPythonPath() },
    });
    const back = JSON.parse(out) as ReadBack;
    expect(back.mlflow).toMatch(/^2\./);
    expect(back.runs).toHaveLength(1);
    const [run] = back.runs;
    expect(run.status).toBe('FINISHED');
    expect(run.run_name).toBe(runDir.split('/').slice(-2).join('_'));
    expect(run.params).toStrictEqual(expectedParams(runDir));
    expect(run.metrics).toStrictEqual(expectedHistories(runDir));
    expect(run.tags).toMatchObject({ 'tandem.run_dir': runDir, 'tandem.status': 'complete', 'tandem.backend': 'onnxruntime' });
    expect(run.artifacts).toStrictEqual(expectedArtifacts(runDir));
    expect(run.results_json).toBe(readFileSync(join(runDir, 'results.json'), 'utf8'));
  });
});
