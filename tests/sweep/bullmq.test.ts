// spec: specs/sweeps.md §5 (BullMQ executor: workers, idempotency, stalled jobs, Redis loss)
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../src/orchestrator/run/run-directory.ts';
import { executionsKey } from '../../src/orchestrator/sweep/redis-connection.ts';
import { runSweep, type SweepResult } from '../../src/orchestrator/sweep/run-sweep.ts';
import { builtinPlugins } from '../../src/plugins/index.ts';
import { redisUnavailable, TestRedis } from './redis-server.ts';
import { WorkerProcess } from './worker-process.ts';

const unavailable = redisUnavailable();
const title = unavailable ? `BullMQ sweeps (SKIPPED: ${unavailable})` : 'BullMQ sweeps';

function sweep(redis: TestRedis, queue: string, lrs: string, root: string): Promise<SweepResult> {
  const overrides = ['train.epochs=2', `train.optimizer.lr=${lrs}`, '++executor.name=bullmq', `++executor.queue=${queue}`, `++executor.redis_url=${redis.url}`, '++executor.backoff_ms=200'];
  return runSweep({ configFile: 'conf/quickstart.yaml', overrides, builtins: builtinPlugins, multirunRoot: root });
}

async function executions(redis: TestRedis, queue: string): Promise<Record<string, string>> {
  const client = new Redis(redis.url);
  try {
    return await client.hgetall(executionsKey(queue));
  } finally {
    client.disconnect();
  }
}

describe.skipIf(unavailable !== undefined)(title, () => {
  let redis: TestRedis;
  const workers: WorkerProcess[] = [];
  const root = mkdtempSync(join(tmpdir(), 'tandem-bullmq-'));

  beforeAll(async () => {
    redis = await TestRedis.start({ persistent: true });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await redis?.stop();
  });

  it('runs every job exactly once across two workers when one is SIGKILLed mid-job', { timeout: 120_000 }, async () => {
    const queue = 'stalls';
    const [victim, survivor] = [new WorkerProcess(queue, redis.url), new WorkerProcess(queue, redis.url)];
    workers.push(victim, survivor);
    await Promise.all([victim.waitFor(/listening on queue/), survivor.waitFor(/listening on queue/)]);

    const submitted = sweep(redis, queue, '1e-2,5e-3', root);
    // The victim has taken a job and its training process has started the run: kill it with no chance to clean up.
    const [, killedJob, killedDir] = await victim.waitFor(/job #(\d+) .*attempt 1, run directory (\S+)/);
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(killedDir, '.tandem', 'status.json'))) {
      if (Date.now() > deadline) throw new Error(`job #${killedJob} never started its run in ${killedDir}; worker log:\n${victim.log}`);
      await new Promise((poll) => setTimeout(poll, 20));
    }
    await victim.kill('SIGKILL');
    expect(readStatus(killedDir).status).toBe('running');
    const result = await submitted;

    expect(result.outcomes.map((o) => o.status)).toStrictEqual(['complete', 'complete']);
    // Exactly one training per job, the killed one included (its first attempt never finished).
    const counts = await executions(redis, queue);
    expect(Object.fromEntries(result.outcomes.map((o) => [o.configHash, counts[o.configHash]]))).toStrictEqual(
      Object.fromEntries(result.outcomes.map((o) => [o.configHash, '1'])),
    );
    for (const outcome of result.outcomes) {
      expect(outcome.runDir).toBe(join(result.sweepDir, String(outcome.index)));
      expect(readStatus(outcome.runDir).status).toBe('complete');
      expect(existsSync(join(outcome.runDir, 'results.json'))).toBe(true);
    }
    // The killed job stalled, went back on the queue and was finished by the survivor.
    const q = new Queue(queue, { connection: { url: redis.url } });
    try {
      const job = (await q.getJob(result.outcomes[Number(killedJob)].configHash)) as Job;
      expect(job.processedBy).toMatch(new RegExp(`:${survivor.pid}$`));
      expect(job.stalledCounter + job.attemptsStarted).toBeGreaterThanOrEqual(2);
    } finally {
      await q.close();
    }
    expect(survivor.log).toMatch(new RegExp(`job #${killedJob} .*attempt`));
  });

  it('reuses completed jobs when the same sweep is submitted again, training nothing', { timeout: 60_000 }, async () => {
    const before = await executions(redis, 'stalls');
    const again = await sweep(redis, 'stalls', '1e-2,5e-3', root);
    expect(again.outcomes.map((o) => o.status)).toStrictEqual(['reused', 'reused']);
    expect(again.outcomes.every((o) => !o.runDir.startsWith(again.sweepDir))).toBe(true);
    expect(await executions(redis, 'stalls')).toStrictEqual(before);
    const record = readFileSync(join(again.sweepDir, 'multirun.yaml'), 'utf8');
    expect(record).toMatch(/status: reused/);
  });

  it('fails a job whose config or data is wrong without retrying it, since no retry can fix it', { timeout: 60_000 }, async () => {
    const overrides = ['train.epochs=2', 'adapter.params.path=data/missing.npz', '++executor.name=bullmq', '++executor.queue=stalls', `++executor.redis_url=${redis.url}`];
    const result = await runSweep({ configFile: 'conf/quickstart.yaml', overrides, builtins: builtinPlugins, multirunRoot: root });
    expect(result.outcomes[0].status).toBe('failed');
    expect(result.outcomes[0].error).toMatch(/missing\.npz.* after 1 attempt\(s\)$/s);
    expect(readStatus(result.outcomes[0].runDir).status).toBe('failed');
  });

  it('a worker told to stop (SIGTERM) finishes the job in hand first, then exits 0', { timeout: 60_000 }, async () => {
    const worker = new WorkerProcess('graceful', redis.url);
    workers.push(worker);
    await worker.waitFor(/listening on queue/);
    const submitted = sweep(redis, 'graceful', '6e-3', root);
    await worker.waitFor(/job #0 .*attempt 1/);
    await worker.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.log).toMatch(/SIGTERM: finishing the jobs in hand[\s\S]*job #0 complete[\s\S]*stopped/);
    expect((await submitted).outcomes[0].status).toBe('complete');
  });

  it('rides out Redis going away mid-sweep: workers and the submitter reconnect and the sweep finishes', { timeout: 120_000 }, async () => {
    const queue = 'outage';
    const worker = new WorkerProcess(queue, redis.url);
    workers.push(worker);
    await worker.waitFor(/listening on queue/);
    const submitted = sweep(redis, queue, '4e-3', root);
    await worker.waitFor(/job #0 .*attempt 1/);
    await redis.stop();
    await worker.waitFor(/is unreachable/);
    await new Promise((resume) => setTimeout(resume, 1500));
    await redis.restart();
    const result = await submitted;
    expect(result.outcomes.map((o) => o.status)).toStrictEqual(['complete']);
    // Trained once, even if its lock ran out during the outage and the job went round again.
    expect(Object.values(await executions(redis, queue))).toStrictEqual(['1']);
    await worker.waitFor(/reconnected to Redis/);
  });
});
