import { UsageError } from '../errors.ts';
import { isSweep, parseOverride, type Override } from '../config/override.ts';
import { formatOverrideValue } from './override-format.ts';
import { MAX_SWEEP_JOBS } from './sweep-limits.ts';

/**
 * A multirun's jobs (spec: specs/sweeps.md §1), as Hydra's BasicSweeper builds them: the Cartesian product of every
 * swept key, the LAST swept key varying fastest, jobs numbered 0..N−1. Each job's overrides are the command line's
 * overrides in their original order with every sweep replaced by one chosen value, so a job re-runs on its own
 * with `tandem run <config> <its overrides>`.
 */
export interface SweepPlan {
  /** The swept keys in command-line order, with their values as override text. */
  readonly dimensions: readonly SweepDimension[];
  readonly jobs: readonly PlannedJob[];
}

export interface SweepDimension {
  /** The override's key as typed, with its `+`/`++` prefix (`train.optimizer.lr`, `+train.checkpoint.every`). */
  readonly key: string;
  readonly values: readonly string[];
}

export interface PlannedJob {
  readonly index: number;
  /** Single-valued overrides, one per command-line override, in the same order. */
  readonly overrides: readonly string[];
}

export { MAX_SWEEP_JOBS };

export function planSweep(rawOverrides: readonly string[]): SweepPlan {
  const parsed = rawOverrides.map(parseOverride);
  const dimensions: (SweepDimension & { position: number })[] = [];
  parsed.forEach((override, position) => {
    if (!isSweep(override)) return;
    if (override.kind === 'delete') {
      throw new UsageError(`override '${override.raw}' deletes a key only if it equals one of several values; a delete cannot be swept. Write ~${override.path.join('.')} or ~${override.path.join('.')}=<one value>.`);
    }
    if (override.path[0] === 'executor') {
      throw new UsageError(`override '${override.raw}' sweeps the executor, which says where jobs run, not what they compute. Give it one value.`);
    }
    dimensions.push({ key: keyText(override), values: override.values!.map(formatOverrideValue), position });
  });
  const total = dimensions.reduce((n, d) => n * d.values.length, 1);
  if (total > MAX_SWEEP_JOBS) {
    throw new UsageError(`this sweep has ${total} jobs (${dimensions.map((d) => `${d.values.length} values of ${d.key}`).join(' × ')}); at most ${MAX_SWEEP_JOBS} are allowed in one multirun. Split it into several.`);
  }

  const jobs: PlannedJob[] = [];
  for (let index = 0; index < total; index++) {
    // Mixed-radix digits of the job number, least significant = last dimension: the last key varies fastest.
    const choice = new Map<number, string>();
    let rest = index;
    for (let d = dimensions.length - 1; d >= 0; d--) {
      const { values, position } = dimensions[d];
      choice.set(position, values[rest % values.length]);
      rest = Math.floor(rest / values.length);
    }
    jobs.push({
      index,
      overrides: parsed.map((override, position) => (choice.has(position) ? `${keyText(override)}=${choice.get(position)}` : override.raw)),
    });
  }
  return { dimensions: dimensions.map(({ key, values }) => ({ key, values })), jobs };
}

function keyText(override: Override): string {
  const prefix = override.kind === 'add' ? '+' : override.kind === 'force' ? '++' : '';
  return `${prefix}${override.path.join('.')}`;
}
