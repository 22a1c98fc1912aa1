import { readFileSync } from 'node:fs';
import type { KeyValue, Metric, RunOpening, RunStatusName, TrackingSink } from '../tracking-sink.ts';
import { TrackerError } from '../tracker-error.ts';
import { LIMITS, validateMetric, validateParam, validateTag } from '../validation.ts';
import { MlflowApiError } from './api-errors.ts';
import { takeBatch } from './batches.ts';
import { wireMetric, type MlflowRestClient } from './rest-client.ts';
import { writeRunRecord, type RunRecord, type ServerRun } from './run-record.ts';
import { Spool, type SpoolRecord } from './spool.ts';

export interface RestSinkOptions {
  /** Send buffered metrics at least this often while the server answers. */
  readonly flushIntervalMs: number;
  /** While the server is unreachable, try again this often (each try is a full retry cycle). */
  readonly reconnectIntervalMs: number;
  /** Where warnings go (stderr in a run). */
  readonly warn: (message: string) => void;
}

/**
 * The tracking-server sink. Logging never waits for the network: records go to the spool (memory + a file in the
 * run directory) and are sent in the background in `runs/log-batch`-sized batches. While the server is
 * unreachable the spool grows, one warning says so, and sending resumes when the server answers again, so an
 * outage loses no metric. A 4xx answer is not an outage: it is raised at the next hook, with the server's reason.
 */
export class RestSink implements TrackingSink {
  private spoolInstance: Spool | undefined;
  private opening: RunOpening | undefined;
  private run: ServerRun | undefined;
  private inFlight: Promise<void> | undefined;
  private fatal: unknown;
  private outageSince: number | undefined;
  private lastAttempt = 0;
  /** During an outage each try is a single request: the reconnect interval paces them, not the backoff. */
  private readonly singleTry: MlflowRestClient;

  constructor(
    private readonly client: MlflowRestClient,
    /** Read when first needed: the spool lives in the run directory, known only once the run starts. */
    private readonly spoolFile: () => string,
    private readonly trackingUri: string,
    private readonly options: RestSinkOptions,
  ) {
    this.singleTry = client.withAttempts(1);
  }

  private get spool(): Spool {
    this.spoolInstance ??= new Spool(this.spoolFile());
    return this.spoolInstance;
  }

  describe(): Record<string, unknown> {
    return { store: 'rest', tracking_uri: this.trackingUri, ...(this.run ? { experiment_id: this.run.experimentId, run_id: this.run.id } : {}) };
  }

  /** Records not yet acknowledged by the server (for tests and the final warning). */
  get pending(): number {
    return this.spool.size;
  }

  async open(opening: RunOpening): Promise<void> {
    this.opening = opening;
    // Before any request: a spool this run leaves behind can then be replayed into the right run.
    writeRunRecord(this.spool.file, { trackingUri: this.trackingUri, opening });
    try {
      await this.createRun();
    } catch (error) {
      // Unreachable at start is an outage like any other: the run is created when the server answers.
      if (!(error instanceof MlflowApiError && error.retryable)) throw error;
      this.enterOutage(error);
    }
  }

  async log(batch: { metrics?: readonly Metric[]; params?: readonly KeyValue[]; tags?: readonly KeyValue[] }): Promise<void> {
    this.throwIfFatal();
    const records: SpoolRecord[] = [];
    for (const m of batch.metrics ?? []) {
      validateMetric(m.key, m.value, m.step);
      records.push({ kind: 'metric', ...wireMetric({ ...m, timestamp: Math.round(m.timestamp) }) });
    }
    for (const p of batch.params ?? []) {
      validateParam(p.key, p.value);
      records.push({ kind: 'param', key: p.key, value: p.value });
    }
    for (const t of batch.tags ?? []) {
      validateTag(t.key, t.value);
      records.push({ kind: 'tag', key: t.key, value: t.value });
    }
    this.spool.push(records);
    if (this.due()) this.startDrain();
  }

  async logArtifact(localFile: string, artifactPath: string): Promise<void> {
    this.throwIfFatal();
    this.spool.push([{ kind: 'artifact', file: localFile, path: artifactPath }]);
  }

  /** Wait for what is in flight and send the rest, except during an outage whose next try is not due yet. */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.outageSince === undefined || this.due()) await this.startDrain();
    this.throwIfFatal();
  }

  async close(status: RunStatusName, endTime: number): Promise<void> {
    await this.inFlight;
    if (this.fatal !== undefined) {
      // The spool is stuck behind a record the server refuses; still close the run so it is not left RUNNING.
      if (this.run) await this.client.updateRun(this.run.id, 'FAILED', endTime).catch(() => undefined);
      this.throwIfFatal();
    }
    this.spool.push([{ kind: 'close', status, end_time: endTime }]);
    await this.startDrain();
    this.throwIfFatal();
    if (this.spool.size > 0) {
      this.options.warn(
        `MLflow: the server at ${this.trackingUri} did not come back before the run ended; ${this.spool.size} records (the final ` +
          `status included) are kept in ${this.spool.file}, and the run shows as RUNNING on the server; send them with ` +
          '`tandem tracker replay <run directory>` once it is back.\n',
      );
    }
  }

  /**
   * The process is exiting midway. When the server holds everything logged so far, the status goes straight to it
   * (a synchronous request), so the run is not shown RUNNING; otherwise, or when that fails, the final status waits
   * in the spool behind the records still owed, for `tandem tracker replay`.
   */
  closeNow(status: RunStatusName, endTime: number): void {
    const sent = this.run !== undefined && this.spool.size === 0 && this.client.updateRunNow(this.run.id, status, endTime);
    if (!sent) this.spool.push([{ kind: 'close', status, end_time: endTime }]);
  }

  /**
   * Sends the spool a run left behind (`tandem tracker replay`), read from the spool file: into the run the record
   * names, created now if the server never saw it, then every record in order, each removed from the file once
   * acknowledged. Throws when the server is still away or refuses a record; the rest stays for the next try.
   * Returns how many records went.
   */
  async replay(record: RunRecord): Promise<number> {
    this.opening = record.opening;
    this.run = record.run;
    this.spoolInstance = Spool.load(this.spoolFile());
    const total = this.spool.size;
    await this.drain();
    return total;
  }

  private due(): boolean {
    const now = Date.now();
    if (this.outageSince !== undefined) return now - this.lastAttempt >= this.options.reconnectIntervalMs;
    return this.spool.size >= LIMITS.metricsPerBatch || now - this.lastAttempt >= this.options.flushIntervalMs;
  }

  /** One drain at a time; a second caller shares the one in flight. Failures are kept, never unhandled. */
  private startDrain(): Promise<void> {
    this.inFlight ??= this.drain()
      .catch((error: unknown) => {
        if (error instanceof MlflowApiError && error.retryable) this.enterOutage(error);
        else this.fatal = error;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async drain(): Promise<void> {
    this.lastAttempt = Date.now();
    const client = this.outageSince === undefined ? this.client : this.singleTry;
    if (!this.run) await this.createRun(client);
    const run = this.run as NonNullable<RestSink['run']>;
    const sent = this.spool.size;
    while (this.spool.size > 0) {
      const head = this.spool.peek()[0] as SpoolRecord;
      if (head.kind === 'artifact') {
        await client.uploadArtifact(run.artifactUri, head.path, readFileSync(head.file));
        this.spool.acknowledge(1);
      } else if (head.kind === 'close') {
        await client.updateRun(run.id, head.status, head.end_time);
        this.spool.acknowledge(1);
      } else {
        const batch = takeBatch(this.spool.peek());
        await client.logBatch(run.id, batch);
        this.spool.acknowledge(batch.taken);
      }
    }
    if (this.outageSince !== undefined) {
      this.options.warn(`MLflow: the server at ${this.trackingUri} answers again; sent ${sent} buffered records.\n`);
      this.outageSince = undefined;
    }
  }

  private async createRun(client: MlflowRestClient = this.client): Promise<void> {
    const opening = this.opening;
    if (!opening) throw new TrackerError('The MLflow tracker logged before its run was opened (onRunStart did not run or failed).');
    const experimentId = await this.experimentId(client, opening.experimentName);
    const info = await client.createRun({
      experiment_id: experimentId,
      user_id: opening.userId,
      run_name: opening.runName,
      start_time: opening.startTime,
      tags: opening.tags,
    });
    const artifactUri = info.artifact_uri ?? '';
    if (opening.expectsArtifacts && !artifactUri.startsWith('mlflow-artifacts:')) {
      this.fatal = new TrackerError(
        `The MLflow server at ${this.trackingUri} does not proxy artifacts (--serve-artifacts): run ${info.run_id} has artifact_uri ` +
          `${JSON.stringify(artifactUri)}, which this tracker cannot write to. Start the server with --serve-artifacts, or set tracker.params.artifacts: [].`,
      );
    }
    this.run = { id: info.run_id, experimentId, artifactUri };
    writeRunRecord(this.spool.file, { trackingUri: this.trackingUri, opening, run: this.run });
    this.throwIfFatal();
  }

  /** Get-or-create by name (docs/reference/ecosystem.md §1.12), tolerating a concurrent create, refusing a deleted experiment. */
  private async experimentId(client: MlflowRestClient, name: string): Promise<string> {
    let experiment;
    try {
      experiment = await client.getExperimentByName(name);
    } catch (error) {
      if (!(error instanceof MlflowApiError && error.code === 'RESOURCE_DOES_NOT_EXIST')) throw error;
      try {
        return await client.createExperiment(name);
      } catch (createError) {
        if (!(createError instanceof MlflowApiError && createError.code === 'RESOURCE_ALREADY_EXISTS')) throw createError;
        experiment = await client.getExperimentByName(name);
      }
    }
    if (experiment.lifecycle_stage === 'deleted') {
      throw new TrackerError(
        `The MLflow experiment ${JSON.stringify(name)} (id ${experiment.experiment_id}) is deleted on ${this.trackingUri}; restore it ` +
          '(mlflow experiments restore) or choose another experiment name.',
      );
    }
    return experiment.experiment_id;
  }

  private enterOutage(error: MlflowApiError): void {
    if (this.outageSince === undefined) {
      this.outageSince = Date.now();
      this.options.warn(
        `MLflow: ${error.message}. Buffering metrics in memory and in ${this.spool.file}; retrying every ` +
          `${Math.round(this.options.reconnectIntervalMs / 1000)} s. Nothing is lost while the server is away.\n`,
      );
    }
  }

  private throwIfFatal(): void {
    if (this.fatal !== undefined) throw this.fatal;
  }
}
