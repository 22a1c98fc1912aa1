import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import { CheckpointError } from '../../train/checkpoint/checkpoint-error.ts';
import { CHECKPOINTS_DIR, resolveCheckpoint } from '../../train/checkpoint/resolve-checkpoint.ts';
import { ConfigError, exitCodeOf } from '../errors.ts';
import { runHandshake } from '../handshake.ts';
import { runExperiment } from '../run-experiment.ts';
import { readStatus } from '../run/run-directory.ts';

/**
 * One job of a sweep, as it travels to whatever runs it (spec: specs/sweeps.md §3). Plain JSON: BullMQ stores it in
 * Redis and a worker on another machine reads it, so every path is absolute and must name a shared filesystem.
 */
export interface SweepJobSpec {
  /** The job number in the sweep, 0..N−1 (Hydra's `hydra.job.num`). */
  readonly index: number;
  readonly configFile: string;
  /** Single-valued overrides; `tandem run <configFile> <overrides>` is the same run. */
  readonly overrides: readonly string[];
  /** The hash the submitter's handshake produced: the job's identity, checked again where the job runs. */
  readonly configHash: string;
  /** `<sweep dir>/<index>/`, the job's run directory. */
  readonly runDir: string;
}

/** complete / partial / failed as a run ends (specs/config-handshake.md §8.4); reused: an earlier run of the same config. */
export type JobStatus = 'complete' | 'partial' | 'failed' | 'reused';

export interface JobOutcome {
  readonly index: number;
  readonly overrides: readonly string[];
  readonly configHash: string;
  readonly status: JobStatus;
  /** Where the job's files are: its own `<n>/`, or for a reused job the directory of the run it reused. */
  readonly runDir: string;
  readonly seconds: number;
  /** From results.json: the final loss on the whole splits (absent when the run trained nothing). */
  readonly final?: { readonly train: number; readonly validation?: number };
  readonly error?: string;
  /** True when this attempt ran the workflow; false when it found the finished run already on disk. */
  readonly executed: boolean;
  /** For a failed job, the exit code its error asks for: 2 (config, setup, data) is not worth retrying. */
  readonly exitCode?: number;
}

/**
 * Run one job through the normal `run` workflow in its run directory. Idempotent by config hash: when the directory
 * already holds a finished run of this very config (a worker that died after training but before the queue heard
 * of it), that run is the outcome and nothing is trained again.
 */
export async function runSweepJob(spec: SweepJobSpec, builtins: readonly PluginDefinition[]): Promise<JobOutcome> {
  const started = performance.now();
  const base = { index: spec.index, overrides: spec.overrides, configHash: spec.configHash, runDir: spec.runDir };
  // Never rejects: whatever goes wrong is the job's outcome, which the executor reports and the sweep goes on.
  try {
    const previous = finishedRunIn(spec);
    if (previous) return previous;
    await requireSameConfig(spec, builtins);
    const { summary } = await runExperiment({
      configFile: spec.configFile,
      overrides: spec.overrides,
      builtins,
      outputsRoot: spec.runDir,
      runDir: spec.runDir,
      tags: sweepJobTags(spec),
      ...(earlierAttemptCheckpoint(spec) ? { resume: { target: spec.runDir, force: false } } : {}),
    });
    return { ...base, status: summary.status, executed: true, seconds: (performance.now() - started) / 1000, ...finalLoss(spec.runDir) };
  } catch (error) {
    return { ...base, status: 'failed', executed: true, seconds: (performance.now() - started) / 1000, error: (error as Error).message ?? String(error), exitCode: exitCodeOf(error) ?? 1 };
  }
}

/**
 * The run tags that let a tracker group a sweep's jobs (specs/sweeps.md §3): the sweep directory (the parent of every
 * job's run directory, so the same on any worker), the job number and its overrides as typed.
 */
export function sweepJobTags(spec: SweepJobSpec): Record<string, string> {
  return { 'tandem.sweep': dirname(spec.runDir), 'tandem.sweep.job': String(spec.index), 'tandem.sweep.overrides': spec.overrides.join(' ') };
}

/**
 * The job was submitted as a config hash; where it runs (later, maybe on another machine) the config file must
 * still say the same thing, or the result would be filed under a config it did not run.
 */
async function requireSameConfig(spec: SweepJobSpec, builtins: readonly PluginDefinition[]): Promise<void> {
  const { frozen } = await runHandshake({ configFile: spec.configFile, overrides: spec.overrides, builtins });
  if (frozen.hash === spec.configHash) return;
  throw new ConfigError(
    `job #${spec.index} was submitted with config sha256:${spec.configHash.slice(0, 12)} but ${spec.configFile} with its overrides now gives sha256:${frozen.hash.slice(0, 12)}: the file (or a group file) changed after the sweep was submitted`,
    {},
    'Submit the sweep again, or restore the file.',
  );
}

/**
 * A retried job (its worker died, or its run failed) continues from the newest valid checkpoint its earlier attempt
 * left in the run directory, when the config writes checkpoints (train.checkpoint): the trajectory goes on as if
 * never stopped (specs/checkpoints.md), instead of training from scratch. No valid checkpoint: a fresh start.
 */
function earlierAttemptCheckpoint(spec: SweepJobSpec): boolean {
  if (!existsSync(join(spec.runDir, CHECKPOINTS_DIR))) return false;
  try {
    return resolveCheckpoint(spec.runDir, spec.runDir).checkpoint.manifest.configHash === spec.configHash;
  } catch (error) {
    if (error instanceof CheckpointError) return false;
    throw error;
  }
}

/** The outcome recorded in a run directory that finished this config, if there is one. */
export function finishedRunIn(spec: SweepJobSpec): JobOutcome | undefined {
  if (!existsSync(join(spec.runDir, '.tandem', 'status.json'))) return undefined;
  const status = readStatus(spec.runDir);
  if (status.configHash !== spec.configHash || (status.status !== 'complete' && status.status !== 'partial')) return undefined;
  const seconds = (Date.parse(status.updatedAt) - Date.parse(status.startedAt)) / 1000;
  return { index: spec.index, overrides: spec.overrides, configHash: spec.configHash, runDir: spec.runDir, status: status.status, executed: false, seconds, ...finalLoss(spec.runDir) };
}

function finalLoss(runDir: string): Pick<JobOutcome, 'final'> {
  const path = join(runDir, 'results.json');
  if (!existsSync(path)) return {};
  const results = JSON.parse(readFileSync(path, 'utf8')) as { final?: { train: { loss: number }; validation?: { loss: number } } };
  if (!results.final) return {};
  const { train, validation } = results.final;
  return { final: { train: train.loss, ...(validation ? { validation: validation.loss } : {}) } };
}
