import { UsageError } from '../errors.ts';
import { OverrideSyntaxError, parseOverrideValue, type OverrideValue } from './override-value.ts';
import { parseSweepFunction, type SweepFunction } from './sweep-functions.ts';

/**
 * One command-line override, after Hydra's basic grammar (spec: specs/config-handshake.md §3):
 *   key=value   set an existing key (or select a config group option)
 *   +key=value  add a key that must not exist yet (or add a config group)
 *   ++key=value add or set
 *   ~key[=v]    delete a key (if a value is given, the current value must equal it)
 */
export type OverrideKind = 'set' | 'add' | 'force' | 'delete';

export interface Override {
  /** The text exactly as typed, for `overrides.yaml` and error messages. */
  readonly raw: string;
  readonly kind: OverrideKind;
  /** The key, split on '.' (a config group is a one-segment key). */
  readonly path: readonly string[];
  /** One element, or several for a choice sweep `a,b`; absent for `~key`. */
  readonly values?: readonly OverrideValue[];
  /** Set when the value is `choice(…)` or `range(…)`: a sweep even when it holds one value, as in Hydra. */
  readonly sweepFunction?: SweepFunction;
}

const KEY_SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function parseOverride(raw: string): Override {
  const fail = (detail: string): never => {
    throw new UsageError(`override '${raw}' is not valid: ${detail}. Write key=value, +key=value, ++key=value or ~key.`);
  };
  let rest = raw;
  let kind: OverrideKind = 'set';
  if (rest.startsWith('++')) [kind, rest] = ['force', rest.slice(2)];
  else if (rest.startsWith('+')) [kind, rest] = ['add', rest.slice(1)];
  else if (rest.startsWith('~')) [kind, rest] = ['delete', rest.slice(1)];

  const eq = rest.indexOf('=');
  const keyText = eq < 0 ? rest : rest.slice(0, eq);
  if (eq < 0 && kind !== 'delete') fail(`there is no '=' between the key and the value`);
  if (keyText.includes('@')) fail(`packages ('@') are not supported; write the full dotted key instead`);
  const path = keyText.split('.');
  for (const segment of path) {
    if (!KEY_SEGMENT.test(segment)) fail(`'${keyText}' is not a key (dotted names of letters, digits, '_' and '-')`);
  }
  if (eq < 0) return { raw, kind, path };

  const sweep = parseSweepFunction(raw, rest.slice(eq + 1));
  if (sweep) return { raw, kind, path, values: sweep.values, sweepFunction: sweep.name };
  try {
    return { raw, kind, path, values: parseOverrideValue(rest.slice(eq + 1)) };
  } catch (error) {
    if (!(error instanceof OverrideSyntaxError)) throw error;
    const column = raw.length - rest.length + eq + 1 + error.offset + 1;
    return fail(`${error.detail} at column ${column}`);
  }
}

/** True when the override lists several values (`a,b`) or calls a sweep function, i.e. asks for a sweep. */
export function isSweep(override: Override): boolean {
  return (override.values?.length ?? 0) > 1 || override.sweepFunction !== undefined;
}

/** Reject sweeps where only one run is possible, with the way out. */
export function requireSingleValue(override: Override): OverrideValue | undefined {
  if (!isSweep(override)) return override.values?.[0];
  throw new UsageError(
    `override '${override.raw}' is a sweep over ${override.values!.length} values, but this command runs one ` +
      `configuration. Run every value with \`tandem run -m\` (a sweep, specs/sweeps.md), pick one value, or quote it to mean a literal string: ${override.path.join('.')}='${override.raw.slice(override.raw.indexOf('=') + 1)}'.`,
  );
}
