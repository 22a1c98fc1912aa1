import type { PluginDefinition } from '../contracts/plugin.ts';
import type { RunSummary } from '../contracts/run-hooks.ts';
import { openResume, type ResumeRequest } from '../train/checkpoint/resume.ts';
import { exitCodeOf, messageOf } from './errors.ts';
import { assembleWorkflow } from './composition-root.ts';
import { requireLoss, runHandshake, type HandshakeResult } from './handshake.ts';
import { constructPlugins } from './plugins/construct-plugins.ts';
import { createRunDirectory, guardRunDirectory, useRunDirectory, writeEffectiveSettings, writeRunRecord, writeStatus } from './run/run-directory.ts';

export interface RunRequest {
  readonly configFile: string;
  readonly overrides: readonly string[];
  readonly builtins: readonly PluginDefinition[];
  /** Where run directories go (Hydra's `outputs/`). */
  readonly outputsRoot: string;
  /** Run in this directory instead of a fresh one under `outputsRoot`: a sweep job's `<sweep dir>/<n>/` (specs/sweeps.md §2). */
  readonly runDir?: string;
  /** Continue training from a checkpoint (`resume=<dir|last>`); checked against the config before the run directory exists. */
  readonly resume?: ResumeRequest;
  /** Where sentences for the person go that are not errors (a refused checkpoint and the one used instead). */
  readonly notice?: (text: string) => void;
  /** Labels that are not config, handed to trackers as RunStart.tags (a sweep job's sweep, number and overrides). */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface RunResult {
  readonly runDir: string;
  readonly handshake: HandshakeResult;
  readonly summary: RunSummary;
}

/** Thrown when a run fails after its directory exists: the directory, marked failed, is where to look. */
export class RunFailedError extends Error {
  readonly exitCode: number;
  constructor(
    readonly runDir: string,
    cause: unknown,
  ) {
    super(`${messageOf(cause)}\n(run directory ${runDir} is marked failed)`, { cause });
    this.name = 'RunFailedError';
    this.exitCode = exitCodeOf(cause) ?? 1;
  }
}

/**
 * `tandem run`: handshake → run directory (config, overrides, hash echoed) → construct plugins and read back their
 * settings → workflow. A failure before the config is frozen leaves no run directory (there is no config to
 * echo); a failure after marks the directory failed. Nothing is ever marked complete that did not complete.
 */
export async function runExperiment(request: RunRequest): Promise<RunResult> {
  const handshake = await runHandshake(request);
  requireLoss(handshake);
  // Resolved before the new run directory exists: `resume=last` means the newest run that is already there.
  const resumed = request.resume ? openResume(request.resume, request.outputsRoot, handshake.frozen) : undefined;
  for (const line of resumed?.notices ?? []) request.notice?.(`${line}\n`);
  const startedAt = new Date();
  const runDir = request.runDir !== undefined ? useRunDirectory(request.runDir) : createRunDirectory(request.outputsRoot, startedAt);
  writeRunRecord(runDir, handshake.frozen, startedAt);
  const status = (value: 'complete' | 'partial' | 'failed', error?: string) =>
    writeStatus(runDir, {
      status: value,
      configHash: handshake.frozen.hash,
      startedAt: startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
      ...(error !== undefined ? { error } : {}),
    });
  const releaseGuard = guardRunDirectory(runDir, { configHash: handshake.frozen.hash, startedAt: startedAt.toISOString() });
  try {
    const plugins = await constructPlugins(handshake);
    writeEffectiveSettings(runDir, Object.fromEntries(plugins.map((p) => [p.kind, { name: p.name, settings: p.effective }])));
    const summary = await assembleWorkflow(handshake.frozen, runDir, plugins, resumed?.checkpoint).run(request.tags);
    status(summary.status);
    return { runDir, handshake, summary };
  } catch (error) {
    status('failed', messageOf(error));
    throw new RunFailedError(runDir, error);
  } finally {
    releaseGuard();
  }
}
