/**
 * Where the MLflow tracker's records go: the folder store (`file:` URIs) or a tracking server (`http(s):`). Both
 * speak MLflow's own vocabulary (run status names, ms timestamps, key/value entities) so the tracker above them
 * is one class with no branch on the URI scheme.
 */

/** MLflow's RunStatus (service.proto). The folder store writes the number, REST sends the name. */
export const RUN_STATUS = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;
export type RunStatusName = keyof typeof RUN_STATUS;

export interface Metric {
  readonly key: string;
  readonly value: number;
  /** ms since epoch */
  readonly timestamp: number;
  readonly step: number;
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface RunOpening {
  readonly experimentName: string;
  readonly runName: string;
  /** ms since epoch */
  readonly startTime: number;
  readonly userId: string;
  /** Tags set at creation, `mlflow.runName` among them. */
  readonly tags: readonly KeyValue[];
  /** Artifacts will be logged: a store that cannot take them should say so now, before training starts. */
  readonly expectsArtifacts: boolean;
}

export interface TrackingSink {
  /** Get-or-create the experiment by name and create the run, RUNNING. */
  open(run: RunOpening): Promise<void>;
  log(batch: { metrics?: readonly Metric[]; params?: readonly KeyValue[]; tags?: readonly KeyValue[] }): Promise<void>;
  /** Copy or upload one local file to `artifactPath` (relative, `/`-separated) under the run's artifacts. */
  logArtifact(localFile: string, artifactPath: string): Promise<void>;
  /** Deliver everything still pending (a sink may buffer). */
  flush(): Promise<void>;
  /** Set the final status and end time; the sink is done afterwards. */
  close(status: RunStatusName, endTime: number): Promise<void>;
  /**
   * Last resort when the process is exiting and cannot wait (the `exit` event): record the final status with
   * synchronous I/O only, so the run is not left RUNNING.
   */
  closeNow(status: RunStatusName, endTime: number): void;
  /** What the sink resolved (experiment id, run id, store location), for effective settings and messages. */
  describe(): Record<string, unknown>;
}
