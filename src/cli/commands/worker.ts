import { InvalidArgumentError } from 'commander';
import { startSweepWorker } from '../../orchestrator/sweep/bullmq-worker.ts';
import { redactUrl } from '../../orchestrator/sweep/redis-connection.ts';
import type { CliCommand } from './command.ts';

/**
 * `tandem worker --queue <name> [--redis <url>] [--concurrency n]` (spec: specs/sweeps.md §5): runs the jobs a
 * `tandem run -m … executor.name=bullmq` puts on the queue, until stopped. Start as many as you like, on any
 * machine that reaches Redis and sees the sweep directory at the same path. Ctrl-C (SIGINT) or SIGTERM finishes the
 * jobs in hand and stops; a second one stops at once (BullMQ then hands those jobs to another worker).
 */
export const workerCommand: CliCommand = {
  register(program, io) {
    program
      .command('worker')
      .description('Run sweep jobs from a BullMQ queue on Redis (see executor.name=bullmq in `tandem run -m`).')
      .requiredOption('--queue <name>', 'the queue, as in the sweep config executor.queue')
      .option('--redis <url>', 'Redis URL, as in executor.redis_url', 'redis://127.0.0.1:6379')
      .option('--concurrency <n>', 'jobs at a time, each in its own process', positiveInt, 1)
      .option('--lock-duration <ms>', 'how long a job stays locked without renewal before it counts as stalled', positiveInt)
      .option('--stalled-interval <ms>', 'how often this worker looks for stalled jobs', positiveInt)
      .action(async (options: { queue: string; redis: string; concurrency: number; lockDuration?: number; stalledInterval?: number }) => {
        const log = (line: string) => io.err(`[worker ${process.pid}] ${line}\n`);
        const worker = startSweepWorker(
          {
            queue: options.queue,
            redisUrl: options.redis,
            concurrency: options.concurrency,
            ...(options.lockDuration !== undefined ? { lockDurationMs: options.lockDuration } : {}),
            ...(options.stalledInterval !== undefined ? { stalledIntervalMs: options.stalledInterval } : {}),
          },
          log,
        );
        let stopping = false;
        const stopped = new Promise<void>((done) => {
          const stop = (signal: string) => {
            if (stopping) {
              log(`${signal} again: stopping now`);
              worker.kill();
              process.exit(130);
            }
            stopping = true;
            log(`${signal}: finishing the jobs in hand, then stopping (${signal} again stops now)`);
            void worker.close().then(done);
          };
          process.on('SIGINT', () => stop('SIGINT'));
          process.on('SIGTERM', () => stop('SIGTERM'));
        });
        // Not awaited before `stopped`: a worker asked to stop while Redis is still unreachable stops all the same.
        void worker.ready().then(
          () => {
            if (!stopping) log(`listening on queue '${options.queue}' at ${redactUrl(options.redis)}, ${options.concurrency} job(s) at a time`);
          },
          // Closed before it ever connected: there is nothing to report.
          () => undefined,
        );
        await stopped;
        log('stopped');
      });
  },
};

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${text}"`);
  return n;
}
