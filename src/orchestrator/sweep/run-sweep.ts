import { join, resolve } from 'node:path';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import { exitCodeOf } from '../errors.ts';
import type { FrozenConfig } from '../frozen-config.ts';
import { runHandshake } from '../handshake.ts';
import { createTimestampedDirectory } from '../run/run-directory.ts';
import { BullmqExecutor } from './bullmq-executor.ts';
import type { ExecutorConfig } from './executor-config.ts';
import type { SweepEvents, SweepExecutor } from './executor.ts';
import { InProcessExecutor } from './inprocess-executor.ts';
import { MultirunRecord } from './multirun-record.ts';
import { planSweep, type PlannedJob, type SweepPlan } from './sweep-plan.ts';
import type { JobOutcome, SweepJobSpec } from './sweep-job.ts';

/**
 * `tandem run -m` (spec: specs/sweeps.md): plan the jobs → the handshake for EVERY job before any starts (a bad
 * combination fails the sweep at once, naming the job) → the sweep directory with `multirun.yaml` → the executor
 * named by the config's `executor:` section → one outcome per job.
 */
export interface SweepRequest {
  readonly configFile: string;
  readonly overrides: readonly string[];
  readonly builtins: readonly PluginDefinition[];
  /** Where sweep directories go (Hydra's `multirun/`). */
  readonly multirunRoot: string;
  readonly events?: SweepEvents;
}

export interface SweepResult {
  readonly sweepDir: string;
  readonly plan: SweepPlan;
  readonly executor: ExecutorConfig;
  readonly outcomes: readonly JobOutcome[];
}

/** One or more jobs cannot even be configured; nothing ran. */
export class SweepConfigError extends Error {
  readonly exitCode: number;
  constructor(problems: readonly { job: PlannedJob; error: unknown }[], total: number) {
    const message = (error: unknown) => (error as Error).message ?? String(error);
    // The same mistake in several jobs (a misspelt key, one bad value) is said once, with the jobs it hits.
    const byMessage = new Map<string, { job: PlannedJob; error: unknown }[]>();
    for (const p of problems) byMessage.set(message(p.error), [...(byMessage.get(message(p.error)) ?? []), p]);
    const lines = [...byMessage].slice(0, 5).map(([text, group]) =>
      group.length === total
        ? `  every job: ${text}`
        : group.length === 1
          ? `  job #${group[0].job.index} (${group[0].job.overrides.join(' ') || 'no overrides'}): ${text}`
          : `  jobs ${group.map((p) => `#${p.job.index}`).join(', ')}: ${text}`,
    );
    const more = byMessage.size > 5 ? `\n  … and ${byMessage.size - 5} more problem(s)` : '';
    super(`${problems.length} of ${total} sweep job(s) have a config that does not pass the handshake; no job was started:\n${lines.join('\n')}${more}`);
    this.name = 'SweepConfigError';
    this.exitCode = exitCodeOf(problems[0].error) ?? 2;
  }
}

export async function runSweep(request: SweepRequest): Promise<SweepResult> {
  const plan = planSweep(request.overrides);
  const frozen = await handshakeEveryJob(request, plan);
  const events = request.events ?? {};
  events.planned?.(plan);
  // Not sweepable (sweep-plan.ts), so every job carries the same executor section.
  const settings = frozen[0].config.executor;
  const sweepDir = createTimestampedDirectory(request.multirunRoot);
  const configFile = resolve(request.configFile);
  const specs: SweepJobSpec[] = plan.jobs.map((job, i) => ({
    index: job.index,
    configFile,
    overrides: job.overrides,
    configHash: frozen[i].hash,
    runDir: join(sweepDir, String(job.index)),
  }));
  const record = new MultirunRecord(sweepDir, { configFile, overrides: request.overrides, plan, executor: settings, submittedAt: new Date() }, specs);
  const outcomes = await executorFor(settings, request.builtins).execute(specs, {
    started(job) {
      record.started(job);
      events.started?.(job);
    },
    finished(outcome) {
      record.finished(outcome);
      events.finished?.(outcome);
    },
    notice: (text) => events.notice?.(text),
  });
  return { sweepDir, plan, executor: settings, outcomes };
}

function executorFor(settings: ExecutorConfig, builtins: readonly PluginDefinition[]): SweepExecutor {
  return settings.name === 'bullmq' ? new BullmqExecutor(settings) : new InProcessExecutor(settings.concurrency, builtins);
}

async function handshakeEveryJob(request: SweepRequest, plan: SweepPlan): Promise<FrozenConfig[]> {
  const frozen: FrozenConfig[] = [];
  const problems: { job: PlannedJob; error: unknown }[] = [];
  for (const job of plan.jobs) {
    try {
      frozen.push((await runHandshake({ configFile: request.configFile, overrides: job.overrides, builtins: request.builtins })).frozen);
    } catch (error) {
      problems.push({ job, error });
    }
  }
  if (problems.length) throw new SweepConfigError(problems, plan.jobs.length);
  return frozen;
}
