import { DataError } from '../data/errors.ts';
import { describeSystemError, isSystemError } from '../util/system-error.ts';

/**
 * The errors the orchestrator raises on purpose. Each carries the exit code the CLI uses
 * (spec: specs/config-handshake.md §9): 2 for anything the user fixes in a config, an override, a path or the
 * command line; 1 for a run that started and then failed.
 */

/** Where in the user's input a problem sits. Every field is optional because overrides have no file. */
export interface SourceLocation {
  file?: string;
  line?: number;
  col?: number;
}

/** A config that cannot be composed, overridden or validated. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(
    /** The sentence saying what is wrong. */
    readonly problem: string,
    readonly where: SourceLocation & { keyPath?: string } = {},
    /** What to do about it. */
    readonly fix?: string,
  ) {
    super(formatProblem(problem, where, fix));
    this.name = 'ConfigError';
  }
}

/** The command line itself is wrong (a sweep in a single run, a malformed override, a missing argument). */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A path on the command line or in the config cannot be used (a file where a directory is needed, read-only, too long). */
export class PathError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/**
 * A plugin failed while being constructed, read back or called. The plugin's kind and name lead the message so
 * the person knows whose code to look at; the underlying error keeps its own exit code when it has one (a data
 * adapter rejecting a file is the user's input, so 2), otherwise construction failures count as setup (2) and
 * hook failures as run failures (1).
 */
export class PluginError extends Error {
  readonly exitCode: number;
  constructor(
    readonly plugin: string,
    readonly phase: string,
    cause: unknown,
    defaultExitCode: number,
  ) {
    super(`plugin ${plugin} failed in ${phase}: ${messageOf(cause)}`, { cause });
    this.name = 'PluginError';
    this.exitCode = exitCodeOf(cause) ?? defaultExitCode;
  }
}

/** A workflow stage was called with something that did not come out of the handshake. */
export class HandshakeRequiredError extends Error {
  readonly exitCode = 1;
  constructor(stage: string) {
    super(
      `stage ${stage} was called without a FrozenConfig. Every stage needs the config produced by the handshake ` +
        `(compose → override → validate → freeze); call runHandshake() first and pass its result.`,
    );
    this.name = 'HandshakeRequiredError';
  }
}

/**
 * A constructed plugin reports a setting that differs from the one it was configured with: it changed a value
 * silently (CONFIG-001's failure mode), and the run must not go on with a config that lies about it.
 */
export class ReadBackMismatchError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly plugin: string,
    readonly keyPath: string,
    expected: unknown,
    actual: unknown,
  ) {
    super(
      `read-back mismatch: ${plugin} was configured with ${keyPath} = ${show(expected)} but reports ` +
        `${actual === undefined ? 'no such setting' : show(actual)}. A plugin must use the settings it is given; ` +
        `change the config to a value the plugin supports, or fix the plugin.`,
    );
    this.name = 'ReadBackMismatchError';
  }
}

function show(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
}

/**
 * The exit code an error asks for, if it declares one. A data file that breaks its contract is bad input: 2. So is
 * a file-system error (errno): a path the person chose, or their disk, is what needs fixing.
 */
export function exitCodeOf(error: unknown): number | undefined {
  if (error instanceof DataError || isSystemError(error)) return 2;
  const code = (error as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' && Number.isInteger(code) && code > 0 ? code : undefined;
}

/** The sentence to show for an error: its message, or for an errno what was tried, on which path, and what to do. */
export function messageOf(error: unknown): string {
  if (isSystemError(error)) return describeSystemError(error);
  return error instanceof Error ? error.message : String(error);
}

/** `file:line:col: problem (key a.b.c). fix` — the one error format of the handshake. */
export function formatProblem(problem: string, where: SourceLocation & { keyPath?: string }, fix?: string): string {
  let location = where.file ?? '';
  if (where.file !== undefined && where.line !== undefined) location += `:${where.line}:${where.col ?? 1}`;
  const key = where.keyPath ? ` (key ${where.keyPath})` : '';
  return `${location ? `${location}: ` : ''}${problem}${key}.${fix ? ` ${fix}` : ''}`;
}
