import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../cli/run-cli.ts';
import { captureWarnings, FAST_RETRY, restTracker } from '../rest-harness.ts';
import { makeRun, tempDir } from '../tracker-harness.ts';
import { CiMlflowServer, freePort, missingMlflowServer } from './ci-mlflow-server.ts';
import { expectedArtifacts, expectedHistories, expectedParams } from './run-oracle.ts';

// spec: specs/tracking.md §1 (what is logged), §3 (never left RUNNING), §6 (outages lose nothing) — against MLflow's
// own tracking server (REST API, sqlite store, artifact proxy), read back through its REST API.

const skip = missingMlflowServer('MLflow tracking server');
const repoRoot = join(import.meta.dirname, '..', '..', '..');
// Fast retries, but a patient timeout: a server down refuses at once, while a loaded one just restarted can take
// seconds to answer its first request.
const RETRY = { ...FAST_RETRY, attempts: 3, timeout_ms: 30_000 };
const FAST = Object.entries(RETRY).map(([k, v]) => `+tracker.params.retry.${k}=${v}`);

describe.skipIf(!!skip)('tandem against a real MLflow tracking server', () => {
  let server: CiMlflowServer;
  beforeAll(async () => {
    server = await CiMlflowServer.start(await freePort(), tempDir('mlflow-server'));
  }, 300_000);
  afterAll(async () => server?.stop());

  const track = (experiment: string) => ['+tracker.name=mlflow', `+tracker.params.tracking_uri=${server.url}`, `+tracker.params.experiment=${experiment}`];

  async function quickstart(experiment: string, ...overrides: string[]): Promise<{ code: number; runDir: string; stderr: string }> {
    const r = await cli('run', 'conf/quickstart-analytic.yaml', 'train.epochs=3', ...track(experiment), ...overrides, '--outputs', join(tempDir('mlflow-run'), 'outputs'));
    const dir = /run directory: (\S+)/.exec(r.stdout)?.[1] ?? /run directory (\S+) is marked/.exec(r.stderr)?.[1];
    return { code: r.code, stderr: r.stderr, runDir: dir === undefined ? '' : resolve(dir) };
  }

  /** Every metric history on the server equals results.json's, key for key, each step once. */
  async function expectMetricsOf(runId: string, runDir: string): Promise<void> {
    const expected = expectedHistories(runDir);
    const got: Record<string, [number, number][]> = {};
    for (const key of Object.keys(expected)) got[key] = await server.history(runId, key);
    expect(got).toStrictEqual(expected);
  }

  it("holds a run's params, per-epoch metric histories, tags and artifacts exactly as the run directory does", async () => {
    const { code, runDir, stderr } = await quickstart('readback');
    expect(code, stderr).toBe(0);
    const run = await server.runFor('readback', runDir);
    expect(run.info.status).toBe('FINISHED');
    expect(run.params).toStrictEqual(expectedParams(runDir));
    expect(run.latestMetrics.sort()).toStrictEqual(Object.keys(expectedHistories(runDir)).sort());
    await expectMetricsOf(run.info.run_id, runDir);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { configHash: string };
    expect(run.tags).toMatchObject({ 'tandem.run_dir': runDir, 'tandem.config_hash': summary.configHash, 'tandem.backend': 'onnxruntime', 'tandem.status': 'complete', 'mlflow.runName': runDir.split('/').slice(-2).join('_') });
    for (const stage of ['data', 'model', 'train', 'evaluate']) expect(run.tags[`tandem.stage.${stage}`]).toMatch(/^done in \d+\.\d s: /);
    expect(await server.artifacts(run.info.run_id)).toStrictEqual(expectedArtifacts(runDir));
    for (const file of ['results.json', 'summary.json', 'report.html']) expect(await server.artifact(run, file)).toBe(readFileSync(join(runDir, file), 'utf8'));
  });

  it('marks a diverged run FAILED with its error, and runs that die midway FAILED (exit) or KILLED (SIGTERM)', async () => {
    const diverged = await quickstart('statuses', 'train.optimizer.lr=1e30');
    expect(diverged.stderr).toMatch(/training stopped at step \d+/);
    const failed = await server.runFor('statuses', diverged.runDir);
    expect(failed.info.status).toBe('FAILED');
    expect(failed.tags['tandem.status']).toBe('failed');
    expect(failed.tags['tandem.error']).toMatch(/training stopped at step \d+ .* is (Infinity|NaN)/);

    // tests/trackers/fixtures/interrupted-run.ts: a tracked run (experiment heat-pinn) that never reaches onRunEnd.
    const fixture = (root: string, mode: string) => execa('node', ['--import', 'tsx', join(repoRoot, 'tests', 'trackers', 'fixtures', 'interrupted-run.ts'), root, mode, server.url], { reject: false, cwd: repoRoot });
    const exitRoot = tempDir('mlflow-exit');
    expect((await fixture(exitRoot, 'exit')).exitCode).toBe(3);
    const signalRoot = tempDir('mlflow-signal');
    const child = fixture(signalRoot, 'signal');
    await new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
    child.kill('SIGTERM');
    expect((await child).signal).toBe('SIGTERM');
    for (const [root, status] of [[exitRoot, 'FAILED'], [signalRoot, 'KILLED']]) {
      const run = await server.runFor('heat-pinn', makeRun(root).runDir);
      expect(run.info.status, root).toBe(status);
      expect(Number(run.info.end_time)).toBeGreaterThan(0);
      expect(await server.history(run.info.run_id, 'train/loss')).toStrictEqual([[0, 0.5]]);
    }
  });

  it('tags both runs of a two-job sweep with the sweep, their job number and overrides', async () => {
    const outputs = join(tempDir('mlflow-sweep'), 'multirun');
    const r = await cli('run', '-m', 'conf/quickstart-analytic.yaml', 'train.epochs=1', ...track('sweep'), 'train.optimizer.lr=1e-2,1e-3', '--outputs', outputs);
    expect(r.code, r.stderr).toBe(0);
    const [day] = readdirSync(outputs);
    const sweepDir = join(outputs, day, readdirSync(join(outputs, day))[0]);
    const runs = (await server.runsOf('sweep')).sort((a, b) => Number(a.tags['tandem.sweep.job']) - Number(b.tags['tandem.sweep.job']));
    expect(runs.map((run) => [run.info.status, run.tags['tandem.sweep'], run.tags['tandem.sweep.job'], run.tags['tandem.run_dir'], run.params['train.optimizer.lr']])).toStrictEqual([
      ['FINISHED', sweepDir, '0', join(sweepDir, '0'), '0.01'],
      ['FINISHED', sweepDir, '1', join(sweepDir, '1'), '0.001'],
    ]);
    for (const run of runs) expect(run.tags['tandem.sweep.overrides']).toContain(`train.optimizer.lr=${run.params['train.optimizer.lr']}`);
  });

  it('receives a run made while it was down with `tandem tracker replay`, once it is back', async () => {
    const warnings = captureWarnings();
    try {
      await server.stop();
      const { code, runDir, stderr } = await quickstart('replay', ...FAST);
      expect(code, stderr).toBe(0);
      expect(warnings.messages.at(-1)).toMatch(/did not come back before the run ended/);
      await server.restart();
      const r = await cli('tracker', 'replay', runDir);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(runDir, '.tandem', 'mlflow-spool.jsonl'))).toBe(false);
      const [run, ...others] = await server.runsOf('replay');
      expect(others).toHaveLength(0);
      expect(run.info.status).toBe('FINISHED');
      expect(run.params).toStrictEqual(expectedParams(runDir));
      await expectMetricsOf(run.info.run_id, runDir);
      expect(await server.artifacts(run.info.run_id)).toStrictEqual(expectedArtifacts(runDir));
    } finally {
      warnings.restore();
    }
  });

  it('gets every metric exactly once when it is stopped mid-run and restarted on the same store', async () => {
    const warnings = captureWarnings();
    try {
      const run = makeRun(tempDir('mlflow-restart'));
      const tracker = await restTracker(server.url, { artifacts: [], experiment: 'restart', retry: RETRY });
      await tracker.onRunStart(run.start);
      const log = async (from: number, to: number) => {
        for (let step = from; step < to; step++) await tracker.logMetrics({ 'train/loss': 1 / (step + 1), 'train/loss:data': step }, step);
      };
      await log(0, 40);
      await tracker.onStageEnd({ stage: 'data', status: 'done', detail: '', seconds: 0 });
      await server.stop();
      await log(40, 80);
      await tracker.onStageEnd({ stage: 'model', status: 'done', detail: '', seconds: 0 });
      expect(warnings.messages.join('')).toMatch(/Could not reach the MLflow server/);
      await server.restart();
      await log(80, 120);
      await tracker.onStageEnd({ stage: 'train', status: 'done', detail: '', seconds: 0 });
      await tracker.onRunEnd(run.summary('complete'));
      const [stored] = await server.runsOf('restart');
      expect(stored.info.status).toBe('FINISHED');
      const steps = Array.from({ length: 120 }, (_, s) => s);
      expect(await server.history(stored.info.run_id, 'train/loss')).toStrictEqual(steps.map((s) => [s, 1 / (s + 1)]));
      expect(await server.history(stored.info.run_id, 'train/loss:data')).toStrictEqual(steps.map((s) => [s, s]));
    } finally {
      warnings.restore();
    }
  });
});
