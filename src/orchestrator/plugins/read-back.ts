import { ReadBackMismatchError } from '../errors.ts';
import { formatPath, type KeyPath } from '../config/origins.ts';

/**
 * The read-back half of the handshake (spec: specs/config-handshake.md §8.3). Every key the config gave a plugin
 * must come back unchanged from `effectiveSettings()`. Keys the plugin reports on top of its params (derived
 * values such as a resolved device) are allowed: they are recorded in the run directory, not diffed.
 */
export function verifyReadBack(plugin: string, prefix: KeyPath, configured: unknown, effective: unknown): void {
  const difference = firstDifference(configured, effective, prefix);
  if (difference) throw new ReadBackMismatchError(plugin, formatPath(difference.path), difference.expected, difference.actual);
}

interface Difference {
  path: KeyPath;
  expected: unknown;
  actual: unknown;
}

/** The first place where `actual` does not hold `expected`, walking objects by the expected keys. */
export function firstDifference(expected: unknown, actual: unknown, path: KeyPath = []): Difference | undefined {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return { path, expected, actual };
    for (const [i, item] of expected.entries()) {
      const d = firstDifference(item, actual[i], [...path, i]);
      if (d) return d;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return { path, expected, actual };
    for (const [key, value] of Object.entries(expected)) {
      const d = firstDifference(value, (actual as Record<string, unknown>)[key], [...path, key]);
      if (d) return d;
    }
    return undefined;
  }
  const same = expected === actual || (Number.isNaN(expected) && Number.isNaN(actual));
  return same ? undefined : { path, expected, actual };
}
