import type { StepResult } from './backend.ts';
import type { PlotSpec } from './plot-spec.ts';

/**
 * The hooks a run calls on its tracker and reporter plugins, and the one way to observe training: the trainer and
 * the training run report through these and nothing else. Every member is optional: a plugin implements only what
 * it needs, and the orchestrator calls all of them through one dispatcher that names the plugin in any error.
 *
 * Call order (asserted by tests/orchestrator/run-experiment.test.ts, "run hooks", and
 * tests/orchestrator/training-hooks.test.ts for a run that trains):
 *   onRunStart                         once, after the handshake and the run directory exist
 *   onStageEnd                         once per stage, in stage order, also for stages that are not built yet;
 *                                      from inside the stages, before their own onStageEnd:
 *     onTrainStep*                       train stage: after each optimizer step (step is 1, 2, 3 … across epochs)
 *     logMetrics*                        after each epoch's steps (step is monotonic per key)
 *     onReport                           evaluate stage: once, the run's report (reporters render report.html)
 *   onRunEnd                           exactly once after onRunStart, also when a stage failed (summary.status says which)
 * Trackers are called before reporters for every hook but onRunEnd, so a reporter can rely on the tracker having
 * flushed. onRunEnd goes the other way, reporters first: what a reporter writes at the end
 * (summary.json, declared with declareReportFiles) exists when a tracker uploads the run's reports. Every plugin's
 * onRunEnd is called even when an earlier one failed (a tracker must still close its run).
 */
export interface RunHooks {
  onRunStart?(run: RunStart): void | Promise<void>;
  onTrainStep?(step: TrainStep): void | Promise<void>;
  logMetrics?(metrics: Readonly<Record<string, number>>, step: number): void | Promise<void>;
  onReport?(report: RunReport): void | Promise<void>;
  onStageEnd?(stage: StageRecord): void | Promise<void>;
  onRunEnd?(summary: RunSummary): void | Promise<void>;
}

/** One optimizer step of the train stage: the loss and terms at the parameters before it, and the LR it used. */
export interface TrainStep {
  readonly step: number;
  readonly epoch: number;
  readonly batch: number;
  readonly lr: number;
  readonly result: StepResult;
}

/**
 * What a run's report shows, handed to the reporters once the evaluate stage has it: a title, a table of rows
 * (final losses, the workload's test metrics, an adapter's DomainResults rows) and the plots (loss curve, the
 * workload's and the adapter's figures). The reporters alone write report.html from it.
 */
export interface RunReport {
  readonly title: string;
  readonly rows: readonly (readonly [string, string])[];
  readonly plots: readonly PlotSpec[];
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
