import { z } from 'zod';

/**
 * The `executor:` section: how `tandem run -m` dispatches a sweep's jobs (spec: specs/sweeps.md §4).
 *
 *   inprocess  jobs run in the submitting process, `concurrency` at a time (the default; training is CPU-bound)
 *   bullmq     jobs are enqueued on Redis (`redis_url`, `queue`) and run by `tandem worker` processes anywhere
 *
 * It says WHERE jobs run, not WHAT they compute, so it is left out of the config hash (`hashedConfig`): the same
 * job submitted in-process or to a queue, at any concurrency, has one identity. Hydra keeps its launcher out of the
 * job's config for the same reason.
 */
export const EXECUTOR_NAMES = ['inprocess', 'bullmq'] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

export const executorSchema = z.strictObject({
  name: z.enum(EXECUTOR_NAMES).default('inprocess'),
  /** Jobs at a time in the submitting process (inprocess). A BullMQ worker takes its own `--concurrency`. */
  concurrency: z.int().min(1).default(1),
  redis_url: z.string().regex(/^rediss?:\/\//, 'Write a Redis URL such as redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  queue: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'Use letters, digits, ".", "_" and "-" (no ":", Redis key separator)').default('tandem'),
  /** Tries per job before it counts as failed (bullmq); retries wait backoff_ms · 2^(try−1). */
  attempts: z.int().min(1).default(3),
  backoff_ms: z.int().min(0).default(1000),
});

export type ExecutorConfig = z.infer<typeof executorSchema>;

/** The part of a resolved config that is hashed: everything but the launcher settings (see above). */
export function hashedConfig<T extends { executor?: unknown }>(config: T): Omit<T, 'executor'> {
  const { executor: _launcher, ...job } = config;
  return job;
}
