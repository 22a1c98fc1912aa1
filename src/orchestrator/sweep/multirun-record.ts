import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import type { ExecutorConfig } from './executor-config.ts';
import type { SweepPlan } from './sweep-plan.ts';
import type { JobOutcome, JobStatus, SweepJobSpec } from './sweep-job.ts';

/**
 * `multirun.yaml` in the sweep directory (spec: specs/sweeps.md §2), Hydra's sweep-level record: what was asked
 * (config, overrides as typed, the swept values, the executor) and every job with its state. It is rewritten
 * atomically as jobs start and end, so `cat multirun.yaml` is the sweep's progress while it runs.
 */
export class MultirunRecord {
  private readonly states: (JobStatus | 'pending' | 'running')[];
  private readonly outcomes: (JobOutcome | undefined)[];

  constructor(
    private readonly sweepDir: string,
    private readonly header: { configFile: string; overrides: readonly string[]; plan: SweepPlan; executor: ExecutorConfig; submittedAt: Date },
    private readonly jobs: readonly SweepJobSpec[],
  ) {
    this.states = jobs.map(() => 'pending');
    this.outcomes = jobs.map(() => undefined);
    this.write();
  }

  started(job: SweepJobSpec): void {
    if (this.states[job.index] === 'pending') this.states[job.index] = 'running';
    this.write();
  }

  finished(outcome: JobOutcome): void {
    this.states[outcome.index] = outcome.status;
    this.outcomes[outcome.index] = outcome;
    this.write();
  }

  private write(): void {
    const { configFile, overrides, plan, executor, submittedAt } = this.header;
    const record = {
      format: 'tandem.multirun',
      version: 1,
      config: configFile,
      overrides: [...overrides],
      sweep: Object.fromEntries(plan.dimensions.map((d) => [d.key, [...d.values]])),
      executor,
      submitted_at: submittedAt.toISOString(),
      jobs: this.jobs.map((job, i) => {
        const outcome = this.outcomes[i];
        return {
          num: job.index,
          overrides: [...job.overrides],
          config_hash: job.configHash,
          status: this.states[i],
          // A reused job's files are where the earlier run of the same config put them.
          dir: outcome && outcome.runDir !== job.runDir ? outcome.runDir : String(job.index),
          ...(outcome ? { seconds: Number(outcome.seconds.toFixed(3)) } : {}),
          ...(outcome?.final ? { final_loss: outcome.final } : {}),
          ...(outcome?.error !== undefined ? { error: outcome.error } : {}),
        };
      }),
    };
    writeFileAtomic(join(this.sweepDir, 'multirun.yaml'), stringify(record));
  }
}
