import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { takeBatch } from '../../src/plugins/trackers/mlflow/rest/batches.ts';
import type { SpoolRecord } from '../../src/plugins/trackers/mlflow/rest/spool.ts';
import { MockMlflowServer } from './mock-mlflow-server.ts';
import { restTracker } from './rest-harness.ts';
import { makeRun, tempDir } from './tracker-harness.ts';

// spec: specs/tracking.md §5 (REST client), docs/reference/ecosystem.md §1.9–1.11.

let mock: MockMlflowServer;
beforeEach(async () => {
  mock = await MockMlflowServer.start();
});
afterEach(async () => {
  await mock.close();
});

const logBatchSizes = () =>
  mock.calls('runs/log-batch').map((r) => {
    const b = JSON.parse(r.body) as { metrics?: unknown[]; params?: unknown[]; tags?: unknown[] };
    return [b.metrics?.length ?? 0, b.params?.length ?? 0, b.tags?.length ?? 0];
  });

describe('mlflow tracker against a tracking server', () => {
  it('creates the experiment and run, logs params, metrics and tags, uploads the config and finishes the run', async () => {
    const run = makeRun(tempDir('rest-happy'), { initiative: 'pinn-heat', phase: 'p2' });
    const tracker = await restTracker(mock.url);
    await tracker.onRunStart(run.start);
    for (let step = 0; step < 5; step++) await tracker.logMetrics({ 'train/loss': 1 / (step + 1), 'train/loss:pde': step === 4 ? Number.NaN : step }, step);
    await tracker.onStageEnd({ stage: 'train', status: 'done', detail: '5 epochs', seconds: 2 });
    await tracker.onRunEnd(run.summary('complete'));

    expect(mock.calls('experiments/get-by-name')[0]?.path).toContain('experiment_name=heat-pinn');
    expect(mock.calls('experiments/create')).toHaveLength(1);
    const [stored] = [...mock.runs.values()];
    expect(mock.runs.size).toBe(1);
    expect(stored?.info).toMatchObject({ run_name: '2026-11-23_04-05-06', status: 'FINISHED', experiment_id: '1' });
    expect(stored?.info.end_time).toBeGreaterThanOrEqual(stored?.info.start_time as number);
    expect(stored?.params.get('train.optimizer.lr')).toBe('0.003');
    expect(stored?.params.size).toBe(11);
    expect(Object.fromEntries(stored?.tags ?? [])).toMatchObject({ 'mlflow.runName': '2026-11-23_04-05-06', initiative: 'pinn-heat', phase: 'p2', 'tandem.status': 'complete', 'tandem.backend': 'onnxruntime' });
    const pde = stored?.metrics.filter((m) => m.key === 'train/loss:pde').map((m) => [m.step, m.value]);
    expect(pde).toEqual([[0, 0], [1, 1], [2, 2], [3, 3], [4, Number.NaN]]);
    expect(stored?.metrics.filter((m) => m.key === 'train/loss')).toHaveLength(5);
    const uploaded = mock.artifacts.get(`1/${stored?.info.run_id}/artifacts/config.yaml`);
    expect(uploaded?.toString()).toBe(readFileSync(join(run.runDir, '.tandem', 'config.yaml'), 'utf8'));
    // The final status is the last request: nothing arrives for a run after it is closed.
    expect(mock.requests.at(-1)?.path).toContain('runs/update');
  });

  it('reuses an experiment that exists and refuses one that is deleted', async () => {
    mock.experiments.set('7', { experiment_id: '7', name: 'heat-pinn', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/7' });
    const run = makeRun(tempDir('rest-reuse'));
    const tracker = await restTracker(mock.url, { artifacts: [] });
    await tracker.onRunStart(run.start);
    await tracker.onRunEnd(run.summary('complete'));
    expect([...mock.runs.values()][0]?.info.experiment_id).toBe('7');
    expect(mock.calls('experiments/create')).toHaveLength(0);

    (mock.experiments.get('7') as { lifecycle_stage: string }).lifecycle_stage = 'deleted';
    const again = await restTracker(mock.url);
    await expect(again.onRunStart(makeRun(tempDir('rest-deleted')).start)).rejects.toThrow(/"heat-pinn" \(id 7\) is deleted .*restore it/);
  });

  it('splits 2500 metrics into three log-batch requests of at most 1000', async () => {
    const run = makeRun(tempDir('rest-batches'));
    const tracker = await restTracker(mock.url, { artifacts: [], retry: { flush_interval_ms: 3_600_000 } });
    await tracker.onRunStart(run.start);
    await tracker.onStageEnd({ stage: 'data', status: 'done', detail: '', seconds: 0 });
    const before = logBatchSizes().length;
    await tracker.logMetrics(Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`probe/${i}`, i])), 0);
    await tracker.onStageEnd({ stage: 'train', status: 'done', detail: '', seconds: 0 });
    expect(logBatchSizes().slice(before)).toEqual([[1000, 0, 0], [1000, 0, 0], [500, 0, 1]]);
    await tracker.onRunEnd(run.summary('complete'));
    expect([...mock.runs.values()][0]?.metrics).toHaveLength(2500);
  });

  it('fails at run start, before training, when the server does not proxy artifacts', async () => {
    const plain = await MockMlflowServer.start({ serveArtifacts: false });
    try {
      const tracker = await restTracker(plain.url);
      await expect(tracker.onRunStart(makeRun(tempDir('rest-noproxy')).start)).rejects.toThrow(/does not proxy artifacts \(--serve-artifacts\).*file:\/\/\/srv/);
    } finally {
      await plain.close();
    }
  });
});

describe('log-batch limits', () => {
  const metric = (i: number): SpoolRecord => ({ kind: 'metric', key: `m${i}`, value: i, timestamp: 1, step: 0 });
  const param = (i: number): SpoolRecord => ({ kind: 'param', key: `p${i}`, value: 'v' });
  const tag = (i: number): SpoolRecord => ({ kind: 'tag', key: `t${i}`, value: 'v' });

  it('takes at most 100 params, 100 tags and 1000 entities, in logged order', () => {
    expect(takeBatch(Array.from({ length: 150 }, (_, i) => param(i))).taken).toBe(100);
    expect(takeBatch(Array.from({ length: 150 }, (_, i) => tag(i))).taken).toBe(100);
    const mixed = [...Array.from({ length: 50 }, (_, i) => param(i)), ...Array.from({ length: 1000 }, (_, i) => metric(i))];
    const batch = takeBatch(mixed);
    expect([batch.params.length, batch.metrics.length, batch.taken]).toEqual([50, 950, 1000]);
  });

  it('keeps a request under 1 MB and stops at an artifact or the final status', () => {
    const big = Array.from({ length: 300 }, (_, i): SpoolRecord => ({ kind: 'tag', key: `t${i}`, value: 'x'.repeat(4900) }));
    expect(takeBatch(big).taken).toBe(100);
    const bigParams = Array.from({ length: 100 }, (_, i): SpoolRecord => ({ kind: 'param', key: `p${i}`, value: 'x'.repeat(5990) }));
    const metrics = Array.from({ length: 900 }, (_, i) => metric(i));
    const batch = takeBatch([...bigParams, ...big.slice(0, 100), ...metrics]);
    expect(Buffer.byteLength(JSON.stringify({ run_id: 'r'.repeat(32), metrics: batch.metrics, params: batch.params, tags: batch.tags }))).toBeLessThan(1_000_000);
    expect(batch.taken).toBeLessThan(1100);
    expect(takeBatch([metric(0), { kind: 'close', status: 'FINISHED', end_time: 1 }, metric(1)]).taken).toBe(1);
    expect(takeBatch([{ kind: 'artifact', file: 'f', path: 'f' }, metric(1)]).taken).toBe(0);
  });
});
