import { Queue, QueueEvents, type Job } from 'bullmq';
import type { ExecutorConfig } from './executor-config.ts';
import type { SweepEvents, SweepExecutor } from './executor.ts';
import { isConnectionError, redactUrl, redisConnection } from './redis-connection.ts';
import type { JobOutcome, SweepJobSpec } from './sweep-job.ts';

/**
 * The executor at scale (spec: specs/sweeps.md §5): every job goes onto a BullMQ queue on Redis, `tandem worker`
 * processes (any number, on any machine that sees Redis and the shared filesystem) run them, and this process
 * waits for all of them through QueueEvents.
 *
 * Jobs are idempotent by config hash: the BullMQ jobId IS the hash, so a job submitted twice (a resubmitted sweep,
 * two sweeps sharing a combination) exists once in Redis and trains once. A completed job is reused as it is;
 * a failed one is removed and submitted afresh, since submitting again is how a person asks for another try.
 */
export class BullmqExecutor implements SweepExecutor {
  constructor(private readonly settings: ExecutorConfig) {}

  async execute(jobs: readonly SweepJobSpec[], events: SweepEvents): Promise<JobOutcome[]> {
    const { queue: name, redis_url: url } = this.settings;
    const connection = redisConnection(url);
    const queue = new Queue<SweepJobSpec, JobOutcome>(name, { connection });
    const queueEvents = new QueueEvents(name, { connection });
    // Connection errors are retried by the client (redis-connection.ts); say so once rather than once per retry.
    let warned = false;
    const onError = (error: Error) => {
      if (!isConnectionError(error)) return events.notice?.(`BullMQ reported: ${error.message}`);
      if (warned) return;
      warned = true;
      events.notice?.(`Redis at ${redactUrl(url)} is unreachable (${error.message}); reconnecting and waiting for the jobs`);
    };
    queue.on('error', onError);
    queueEvents.on('error', onError);
    const byId = new Map(jobs.map((job) => [job.configHash, job]));
    queueEvents.on('active', ({ jobId }) => {
      const job = byId.get(jobId);
      if (job) events.started?.(job);
    });
    try {
      await queueEvents.waitUntilReady();
      const waits = [];
      for (const spec of jobs) waits.push(await this.submit(queue, spec, events));
      if ((await queue.getWorkersCount()) === 0) {
        events.notice?.(`no worker is listening on queue '${name}' yet; start one with: tandem worker --queue ${name} --redis ${redactUrl(url)}`);
      }
      const outcomes = waits.map(async (wait) => {
        const outcome = await wait(queueEvents);
        events.finished?.(outcome);
        return outcome;
      });
      return await Promise.all(outcomes);
    } finally {
      await queueEvents.close();
      await queue.close();
    }
  }

  /** Put one job on the queue (or find it there); returns how to wait for its outcome. */
  private async submit(queue: Queue<SweepJobSpec, JobOutcome>, spec: SweepJobSpec, events: SweepEvents) {
    const existing = (await queue.getJob(spec.configHash)) as Job<SweepJobSpec, JobOutcome> | undefined;
    const state = existing ? await existing.getState() : undefined;
    if (existing && state === 'completed') {
      events.notice?.(`job #${spec.index}: reusing the completed run of the same config (sha256:${spec.configHash.slice(0, 12)}) in ${existing.returnvalue.runDir}`);
      return async () => asReused(spec, existing.returnvalue);
    }
    if (existing && state === 'failed') await existing.remove();
    const job = await queue.add(`#${spec.index}`, spec, {
      jobId: spec.configHash,
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoff_ms },
      // Kept in Redis: a finished job is what makes a resubmission idempotent.
      removeOnComplete: false,
      removeOnFail: false,
    });
    return async (queueEvents: QueueEvents): Promise<JobOutcome> => {
      try {
        const outcome = (await job.waitUntilFinished(queueEvents)) as JobOutcome;
        // Another submission's job with the same config (same jobId) ran in its own directory.
        return outcome.runDir === spec.runDir ? outcome : asReused(spec, outcome);
      } catch (error) {
        const finished = (await queue.getJob(spec.configHash)) as Job<SweepJobSpec, JobOutcome> | undefined;
        const tries = finished ? ` after ${finished.attemptsMade} attempt(s)` : '';
        return {
          index: spec.index,
          overrides: spec.overrides,
          configHash: spec.configHash,
          status: 'failed',
          executed: true,
          runDir: finished?.data.runDir ?? spec.runDir,
          seconds: finished?.finishedOn && finished.processedOn ? (finished.finishedOn - finished.processedOn) / 1000 : 0,
          error: `${(error as Error).message}${tries}`,
        };
      }
    };
  }
}

function asReused(spec: SweepJobSpec, outcome: JobOutcome): JobOutcome {
  return { ...outcome, index: spec.index, overrides: spec.overrides, status: 'reused' };
}
