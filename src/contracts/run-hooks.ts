/**
 * The hooks a run calls on its tracker and reporter plugins. Every member is optional: a plugin implements only
 * what it needs, and the orchestrator calls all of them through one dispatcher that names the plugin in any error.
 *
 * Call order (asserted by tests/orchestrator/run-experiment.test.ts, "run hooks"):
 *   onRunStart                         once, after the handshake and the run directory exist
 *   logMetrics*                        any number of times, from inside stages (step is monotonic per key)
 *   onStageEnd                         once per stage, in stage order, also for stages that are not built yet
 *   onRunEnd                           exactly once after onRunStart, also when a stage failed (summary.status says which)
 * Trackers are called before reporters for onRunStart, logMetrics and onStageEnd, so a reporter can rely on the
 * tracker having flushed. onRunEnd goes the other way, reporters first: what a reporter writes at the end
 * (summary.json, declared with declareReportFiles) exists when a tracker uploads the run's reports. Every plugin's
 * onRunEnd is called even when an earlier one failed (a tracker must still close its run).
 */
export interface RunHooks {
  onRunStart?(run: RunStart): void | Promise<void>;
  logMetrics?(metrics: Readonly<Record<string, number>>, step: number): void | Promise<void>;
  onStageEnd?(stage: StageRecord): void | Promise<void>;
  onRunEnd?(summary: RunSummary): void | Promise<void>;
}

export interface RunStart {
  /** The run directory (absolute); plugins write their files inside it. */
  readonly runDir: string;
  readonly experiment: string;
  readonly configHash: string;
  /** The resolved, frozen config, as plain data. */
  readonly config: unknown;
  /**
   * Labels for this run that are not config, e.g. `tandem.sweep`, `tandem.sweep.job` and `tandem.sweep.overrides`
   * when a sweep runs it (sweep-job.ts). Trackers record them as run tags. Optional: a plain `tandem run` passes none.
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** `done`: did its work; `pending`: not built yet (the detail names the issue); `failed`: threw. */
export type StageStatus = 'done' | 'pending' | 'failed';

export interface StageRecord {
  readonly stage: string;
  readonly status: StageStatus;
  readonly detail: string;
  readonly seconds: number;
}

/**
 * `complete`: every stage done; `partial`: no stage failed but some are not built yet; `failed`: a stage threw.
 */
export type RunStatus = 'complete' | 'partial' | 'failed';

export interface RunSummary {
  readonly status: RunStatus;
  readonly runDir: string;
  readonly experiment: string;
  readonly configHash: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly stages: readonly StageRecord[];
  readonly error?: string;
}
