import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MockMlflowServer, type Failure } from './mock-mlflow-server.ts';
import { mockServerPerTest, restTracker } from './rest-harness.ts';
import { makeRun, tempDir } from './tracker-harness.ts';

// spec: specs/tracking.md §6 (outages lose nothing).

const server = mockServerPerTest();

const OUTAGES: [string, Failure][] = [
  ['503 TEMPORARILY_UNAVAILABLE', { kind: 'status', status: 503, code: 'TEMPORARILY_UNAVAILABLE', message: 'maintenance' }],
  ['dropped connections', { kind: 'drop' }],
];

describe('a tracking-server outage', () => {
  for (const [name, failure] of OUTAGES) {
    it(`buffers every metric during ${name}, with one warning, and sends them all when the server is back`, async () => {
      const run = makeRun(tempDir('rest-outage'));
      const tracker = await restTracker(server.mock.url, { artifacts: [] });
      await tracker.onRunStart(run.start);
      await tracker.onStageEnd({ stage: 'data', status: 'done', detail: '', seconds: 0 });
      server.mock.outage = failure;
      for (let step = 0; step < 60; step++) await tracker.logMetrics({ 'train/loss': step, 'train/loss:data': step / 2 }, step);
      await tracker.onStageEnd({ stage: 'train', status: 'done', detail: '', seconds: 0 });

      const spool = join(run.runDir, '.tandem', 'mlflow-spool.jsonl');
      expect(server.warnings).toHaveLength(1);
      expect(server.warnings[0]).toMatch(/Could not reach|refused.*503/);
      expect(server.warnings[0]).toContain(`Buffering metrics in memory and in ${spool}`);
      const stored = [...server.mock.runs.values()][0];
      expect(stored?.metrics).toHaveLength(0);
      const spooled = readFileSync(spool, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
      expect(spooled.filter((r) => r.kind === 'metric')).toHaveLength(120);

      server.mock.outage = undefined;
      await tracker.onStageEnd({ stage: 'evaluate', status: 'done', detail: '', seconds: 0 });
      expect(stored?.metrics).toHaveLength(120);
      const loss = stored?.metrics.filter((m) => m.key === 'train/loss').map((m) => m.step);
      expect(loss).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(existsSync(spool)).toBe(false);
      expect(server.warnings[1]).toMatch(/answers again; sent \d+ buffered records/);
      await tracker.onRunEnd(run.summary('complete'));
      expect(stored?.info.status).toBe('FINISHED');
      expect(server.warnings).toHaveLength(2);
    });
  }

  it('rides out a few 5xx answers with retries alone, without a warning', async () => {
    const run = makeRun(tempDir('rest-blip'));
    const tracker = await restTracker(server.mock.url, { artifacts: [], retry: { attempts: 4, initial_delay_ms: 1, max_delay_ms: 4, flush_interval_ms: 0, reconnect_interval_ms: 0 } });
    server.mock.failNext(3, { kind: 'status', status: 502, code: 'HTTP_502', message: 'bad gateway' }, 'runs/create');
    await tracker.onRunStart(run.start);
    await tracker.logMetrics({ loss: 1 }, 0);
    await tracker.onRunEnd(run.summary('complete'));
    expect(server.mock.calls('runs/create')).toHaveLength(4);
    expect(server.warnings).toEqual([]);
    expect([...server.mock.runs.values()][0]?.metrics.map((m) => m.value)).toEqual([1]);
  });

  it('keeps buffering with one warning when the server is unreachable from the start, and keeps the spool at the end', async () => {
    const down = await MockMlflowServer.start();
    const url = down.url;
    await down.close(); // nothing listens on this port now
    const run = makeRun(tempDir('rest-unreachable'));
    const tracker = await restTracker(url, { artifacts: [] });
    await tracker.onRunStart(run.start);
    for (let step = 0; step < 30; step++) await tracker.logMetrics({ loss: step }, step);
    await tracker.onStageEnd({ stage: 'train', status: 'done', detail: '', seconds: 0 });
    expect(server.warnings).toHaveLength(1);
    expect(server.warnings[0]).toMatch(/Could not reach the MLflow server for experiments\/get-by-name: ECONNREFUSED/);
    await tracker.onRunEnd(run.summary('complete'));
    expect(server.warnings).toHaveLength(2);
    expect(server.warnings[1]).toMatch(/did not come back before the run ended; \d+ records .* are kept in .*mlflow-spool\.jsonl/);
    const spooled = readFileSync(join(run.runDir, '.tandem', 'mlflow-spool.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; status?: string });
    expect(spooled.filter((r) => r.kind === 'metric')).toHaveLength(30);
    expect(spooled.filter((r) => r.kind === 'param')).toHaveLength(11);
    expect(spooled.at(-1)).toMatchObject({ kind: 'close', status: 'FINISHED' });
  });
});
