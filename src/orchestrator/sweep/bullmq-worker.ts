import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { JobProcesses } from './job-processes.ts';
import { executionsKey, isConnectionError, redactUrl, redisConnection } from './redis-connection.ts';
import type { JobOutcome, SweepJobSpec } from './sweep-job.ts';

/**
 * `tandem worker` (spec: specs/sweeps.md §5): takes sweep jobs off a BullMQ queue and runs each in a job process
 * (job-processes.ts) through the normal `run` workflow, writing into the job's run directory on the shared filesystem.
 *
 * Failure semantics: a job whose run fails is thrown back to BullMQ, which retries it with exponential backoff
 * until its attempts are spent, except a config/setup/data error (exit code 2), which no retry can fix
 * (UnrecoverableError). A worker that dies mid-job stops renewing the job's lock; after `lockDurationMs` the
 * stalled-job check (every `stalledIntervalMs`, run by every live worker) puts the job back for another worker.
 */
export interface WorkerSettings {
  readonly queue: string;
  readonly redisUrl: string;
  readonly concurrency: number;
  /** BullMQ defaults: 30 s and 30 s. Shorter finds a dead worker's job sooner, at the price of more Redis traffic. */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}

export interface SweepWorker {
  /** Resolves once the worker is connected to Redis and taking jobs. */
  ready(): Promise<void>;
  /** Finish the jobs in hand, then stop. */
  close(): Promise<void>;
  /** Stop now: the jobs in hand are abandoned, and BullMQ gives them to another worker once their locks expire. */
  kill(): void;
}

export function startSweepWorker(settings: WorkerSettings, log: (line: string) => void): SweepWorker {
  const connection = redisConnection(settings.redisUrl);
  const counter = new Redis(settings.redisUrl, { maxRetriesPerRequest: null, retryStrategy: connection.retryStrategy });
  const processes = new JobProcesses();

  let inHand = 0;
  const processJob = async (job: Job<SweepJobSpec, JobOutcome>): Promise<JobOutcome> => {
    inHand++;
    try {
      return await runJob(job);
    } finally {
      inHand--;
    }
  };
  const runJob = async (job: Job<SweepJobSpec, JobOutcome>): Promise<JobOutcome> => {
    const spec = job.data;
    log(`job #${spec.index} (${spec.overrides.join(' ') || 'no overrides'}): attempt ${job.attemptsStarted}, run directory ${spec.runDir}`);
    const outcome = await processes.run(spec);
    if (outcome.status === 'failed') {
      log(`job #${spec.index} failed: ${outcome.error}`);
      throw outcome.exitCode === 2 ? new UnrecoverableError(outcome.error) : new Error(outcome.error);
    }
    // Counted only when this attempt trained: an attempt that found the run finished on disk (its first worker
    // died between finishing and telling Redis) trained nothing.
    if (outcome.executed) await counter.hincrby(executionsKey(settings.queue), job.id!, 1);
    log(outcome.executed ? `job #${spec.index} ${outcome.status} in ${outcome.seconds.toFixed(1)} s` : `job #${spec.index} had already finished in ${spec.runDir}; nothing to train again`);
    return outcome;
  };

  const worker = new Worker<SweepJobSpec, JobOutcome>(settings.queue, processJob, {
    connection,
    // Recorded on every job it takes (job.processedBy): which machine and process ran what.
    name: `${hostname()}:${process.pid}`,
    concurrency: settings.concurrency,
    ...(settings.lockDurationMs !== undefined ? { lockDuration: settings.lockDurationMs } : {}),
    ...(settings.stalledIntervalMs !== undefined ? { stalledInterval: settings.stalledIntervalMs } : {}),
  });
  // The clients reconnect by themselves (redis-connection.ts); report the loss once, and the recovery. The
  // counter's plain ioredis client says 'ready' after every reconnect, which BullMQ's worker does not.
  let lost = false;
  const onLost = (error: Error) => {
    if (!isConnectionError(error)) return log(`BullMQ reported: ${error.message}`);
    if (!lost) log(`Redis at ${redactUrl(settings.redisUrl)} is unreachable (${error.message}); reconnecting until it is back`);
    lost = true;
  };
  worker.on('error', onLost);
  counter.on('error', onLost);
  counter.on('ready', () => {
    if (lost) log(`reconnected to Redis at ${redactUrl(settings.redisUrl)}`);
    lost = false;
  });
  worker.on('stalled', (jobId) => log(`job ${jobId.slice(0, 12)} stalled (its worker stopped renewing the lock); it goes back on the queue`));

  return {
    async ready() {
      await worker.waitUntilReady();
    },
    async close() {
      // With nothing in hand there is nothing to wait for, not even a Redis that is away (a graceful close would).
      await worker.close(inHand === 0);
      processes.release();
      counter.disconnect();
    },
    kill() {
      processes.kill();
      counter.disconnect();
    },
  };
}
