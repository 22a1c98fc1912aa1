import type { JobOutcome, SweepJobSpec } from './sweep-job.ts';
import type { SweepPlan } from './sweep-plan.ts';

/**
 * What runs a sweep's jobs (spec: specs/sweeps.md §3): in this process (`inprocess-executor.ts`) or on BullMQ
 * workers (`bullmq-executor.ts`). An executor never gives up on the sweep because one job failed: it resolves
 * with one outcome per job, in job order, and the caller decides what the failures mean.
 */
export interface SweepExecutor {
  execute(jobs: readonly SweepJobSpec[], events: SweepEvents): Promise<JobOutcome[]>;
}

/** Progress, for the person watching; called in the order things happen. */
export interface SweepEvents {
  /** The jobs are planned and every one passed the handshake; nothing has run yet. */
  planned?(plan: SweepPlan): void;
  started?(job: SweepJobSpec): void;
  finished?(outcome: JobOutcome): void;
  /** Something worth saying that is not a job's start or end (a reused result, waiting for workers). */
  notice?(text: string): void;
}
