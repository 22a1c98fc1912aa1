import { existsSync, readdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { declaredReportFiles } from '../../../reports/report-files.ts';
import { gitState } from '../../../util/git-state.ts';
import type { Configured, PluginDefinition } from '../../../contracts/plugin.ts';
import { runDirFile } from '../../run-dir-file.ts';
import type { RunHooks, RunStart, RunStatus, RunSummary, StageRecord } from '../../../contracts/run-hooks.ts';
import { flattenParams } from './flatten-params.ts';
import { FolderSink } from './folder-store/folder-sink.ts';
import { MlflowRestClient } from './rest/rest-client.ts';
import { RestSink } from './rest/rest-sink.ts';
import { guardRun } from '../../../util/run-guard.ts';
import type { KeyValue, RunStatusName, TrackingSink } from './tracking-sink.ts';
import { resolveTrackingUri, trackingUriProblem } from './tracking-uri.ts';
import { LIMITS, truncateBytes, validateTag } from './validation.ts';

/** The `artifacts` entry that stands for the run's report files (results.json, summary.json, report.html, plots/ …). */
const REPORTS_KEYWORD = 'reports';

const params = z.strictObject({
  /** MLflow's tracking URI: a folder store (`file:`, relative to the working directory) or a server (`http(s):`). */
  tracking_uri: z
    .string()
    .min(1)
    .default('file:./mlruns')
    .superRefine((uri, ctx) => {
      const problem = trackingUriProblem(uri);
      if (problem) ctx.addIssue({ code: 'custom', message: `tracking_uri ${JSON.stringify(uri)} cannot be used: ${problem}` });
    }),
  /** The MLflow experiment; defaults to the config's `experiment.name`. Looked up by name, created if missing. */
  experiment: z.string().min(1).optional(),
  /** Defaults to the run directory's date and time, e.g. `2026-11-23_04-02-57`. */
  run_name: z.string().min(1).optional(),
  /**
   * Files or folders in the run directory uploaded when the run ends (a folder keeps its name, e.g. `checkpoints/`);
   * `reports` stands for the report files this run wrote (src/reports/report-files.ts).
   */
  artifacts: z.array(runDirFile('.tandem/config.yaml')).default(['.tandem/config.yaml', REPORTS_KEYWORD]),
  /** Extra run tags, e.g. `{initiative: pinn-heat, phase: p2}`. */
  tags: z.record(z.string(), z.string()).default({}),
  /** Where the REST sink keeps records the server has not acknowledged yet. */
  spool_file: runDirFile('.tandem/mlflow-spool.jsonl'),
  /** REST only: retries with exponential backoff, and the pace of background sending. */
  retry: z
    .strictObject({
      attempts: z.int().min(1).max(20).default(5),
      initial_delay_ms: z.int().min(0).default(500),
      max_delay_ms: z.int().min(0).default(8000),
      timeout_ms: z.int().min(1).default(30_000),
      flush_interval_ms: z.int().min(0).default(2000),
      reconnect_interval_ms: z.int().min(0).default(15_000),
    })
    .prefault({}),
});
type Params = z.output<typeof params>;

// MLflow has no "partial": a run whose stages are not all built yet did finish what it could.
const FINAL_STATUS: Record<RunStatus, RunStatusName> = { complete: 'FINISHED', partial: 'FINISHED', failed: 'FAILED' };
const SIGNAL_GRACE_MS = 5000;

/** The MLflow tracker: params, per-step metrics, tags and artifacts of a run, into a folder store or a server. */
export class MlflowTracker implements Configured, RunHooks {
  private readonly sink: TrackingSink;
  private runDir = '';
  private releaseGuard: (() => void) | undefined;
  /** Set once the run is being closed, by onRunEnd or by a signal, so it is closed exactly once. */
  private ended = false;
  private readonly warn = (message: string) => void process.stderr.write(message);

  constructor(private readonly p: Params) {
    const target = resolveTrackingUri(p.tracking_uri);
    // The spool path needs the run directory, which only onRunStart knows; the sink reads it lazily.
    this.sink = target.kind === 'folder' ? new FolderSink(target.root) : restSinkFor(p, target.url, () => join(this.runDir, p.spool_file), this.warn);
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p, ...this.sink.describe() };
  }

  async onRunStart(run: RunStart): Promise<void> {
    this.runDir = run.runDir;
    const { params: flat, truncated } = flattenParams(run.config);
    if (truncated.length > 0) this.warn(`MLflow: params longer than ${LIMITS.paramValueBytes} bytes were cut: ${truncated.join(', ')} (the full config is an artifact).\n`);
    const runName = this.p.run_name ?? `${basename(dirname(run.runDir))}_${basename(run.runDir)}`;
    const tags = await runTags(run, runName, { ...(run.tags ?? {}), ...this.p.tags });
    // Before the run exists: a bad tag must not leave a created run behind.
    for (const tag of tags) validateTag(tag.key, tag.value);
    await this.sink.open({
      experimentName: this.p.experiment ?? run.experiment,
      runName,
      startTime: Date.now(),
      userId: currentUser(),
      tags,
      expectsArtifacts: this.p.artifacts.length > 0,
    });
    this.releaseGuard = guardRun({
      onSignal: () => {
        this.ended = true;
        return this.sink.close('KILLED', Date.now());
      },
      onExit: () => this.sink.closeNow('FAILED', Date.now()),
      graceMs: SIGNAL_GRACE_MS,
    });
    try {
      await this.sink.log({ params: Object.entries(flat).map(([key, value]) => ({ key, value })) });
    } catch (error) {
      // The workflow calls no onRunEnd when onRunStart throws, so close the opened run here.
      this.releaseGuard();
      await this.sink.close('FAILED', Date.now()).catch(() => undefined);
      throw error;
    }
  }

  async logMetrics(metrics: Readonly<Record<string, number>>, step: number): Promise<void> {
    const timestamp = Date.now();
    await this.sink.log({ metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp, step })) });
  }

  async onStageEnd(stage: StageRecord): Promise<void> {
    const value = truncateBytes(`${stage.status} in ${stage.seconds.toFixed(1)} s: ${stage.detail}`, LIMITS.tagValueBytes);
    // A stage name is ours, not the person's: make it a valid key rather than fail the run over a tag.
    const key = `tandem.stage.${stage.stage.replace(/[^\p{L}\p{N}_.\- ]/gu, '_')}`;
    await this.sink.log({ tags: [{ key, value }] });
    await this.sink.flush();
  }

  async onRunEnd(summary: RunSummary): Promise<void> {
    this.releaseGuard?.();
    if (this.ended) return;
    this.ended = true;
    // Whatever fails on the way (an artifact, a refused batch), the run is still closed, never left RUNNING.
    let failure: unknown;
    const attempt = async (step: () => Promise<void>) => {
      if (failure === undefined) await step().catch((error: unknown) => void (failure = error));
    };
    await attempt(async () => {
      for (const [file, artifactPath] of this.artifactFiles()) await this.sink.logArtifact(file, artifactPath);
    });
    const tags: KeyValue[] = [{ key: 'tandem.status', value: summary.status }];
    if (summary.error) tags.push({ key: 'tandem.error', value: truncateBytes(summary.error, LIMITS.tagValueBytes) });
    await attempt(() => this.sink.log({ tags }));
    await this.sink.close(failure === undefined ? FINAL_STATUS[summary.status] : 'FAILED', Date.now());
    if (failure !== undefined) throw failure;
  }

  /**
   * `[local file, artifact path]` for every configured artifact that exists; a missing one is a warning. A configured
   * entry is stored by its base name (`config.yaml`, `checkpoints/…`), a report file by its run-directory path.
   */
  private artifactFiles(): [string, string][] {
    const out = new Map<string, string>();
    const add = (entry: string, base: string) => {
      const path = join(this.runDir, entry);
      if (!existsSync(path)) return void this.warn(`MLflow: artifact ${entry} does not exist in ${this.runDir}; skipped.\n`);
      const walk = (p: string): void => {
        if (statSync(p).isDirectory()) for (const child of readdirSync(p).sort()) walk(join(p, child));
        else out.set(relative(base, p).split(/[\\/]/).join('/'), p);
      };
      walk(path);
    };
    for (const entry of this.p.artifacts) {
      if (entry === REPORTS_KEYWORD) for (const file of declaredReportFiles(this.runDir)) add(file, this.runDir);
      else add(entry, dirname(join(this.runDir, entry)));
    }
    return [...out].map(([artifactPath, file]) => [file, artifactPath]);
  }

}

/** The REST sink with the configured retries, spooling to `spoolFile` (also what `tandem tracker replay` sends with). */
export function restSinkFor(p: Pick<Params, 'retry'>, url: string, spoolFile: () => string, warn: (message: string) => void): RestSink {
  const r = p.retry;
  const client = new MlflowRestClient(url, { attempts: r.attempts, initialDelayMs: r.initial_delay_ms, maxDelayMs: r.max_delay_ms, timeoutMs: r.timeout_ms });
  return new RestSink(client, spoolFile, url, { flushIntervalMs: r.flush_interval_ms, reconnectIntervalMs: r.reconnect_interval_ms, warn });
}

/** The tags MLflow's own client sets (`mlflow.*`, where cheap to know) and ours (`tandem.*`), then the extra ones. */
async function runTags(run: RunStart, runName: string, extra: Readonly<Record<string, string>>): Promise<KeyValue[]> {
  const git = await gitState(process.cwd());
  const backend = (run.config as { backend?: { name?: unknown } } | null)?.backend?.name;
  const tags: Record<string, string> = {
    'mlflow.runName': runName,
    'mlflow.user': currentUser(),
    'mlflow.source.name': process.argv[1] ?? 'tandem',
    'mlflow.source.type': 'LOCAL',
    ...(git.commit ? { 'mlflow.source.git.commit': git.commit } : {}),
    ...(git.dirty !== null ? { 'tandem.git.dirty': String(git.dirty) } : {}),
    'tandem.config_hash': run.configHash,
    'tandem.run_dir': run.runDir,
    ...(typeof backend === 'string' ? { 'tandem.backend': backend } : {}),
    ...extra,
  };
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export const mlflowTracker: PluginDefinition<'tracker', Params, MlflowTracker> = {
  kind: 'tracker',
  name: 'mlflow',
  description: 'Logs params, per-step metrics, tags and artifacts to MLflow: a folder store (file:./mlruns) or a tracking server (http(s)://).',
  params,
  create: (p) => new MlflowTracker(p),
};
