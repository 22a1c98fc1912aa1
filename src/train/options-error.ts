import type { z } from 'zod';

/**
 * Turns a failed zod parse of an optimizer, schedule or clipping section into one sentence a person can act on:
 * which section, which key, what was wrong, and which keys are valid there. The config layer adds the file.
 */
export class OptionsError extends Error {
  constructor(
    readonly section: string,
    readonly issues: readonly z.core.$ZodIssue[],
    validKeys: readonly string[],
    raw?: unknown,
  ) {
    super(`${section}: ${issues.map((i) => describeIssue(i, validKeys, raw)).join('; ')}`);
    this.name = 'OptionsError';
  }
}

function describeIssue(issue: z.core.$ZodIssue, validKeys: readonly string[], raw: unknown): string {
  const where = issue.path.length ? `"${issue.path.join('.')}"` : 'options';
  // zod's own bound message ("Too small: expected number to be >0") without the value; say both, e.g. "lr must be > 0, got 0".
  if (issue.code === 'too_small' && issue.message.startsWith('Too small') && issue.path.length) {
    const value = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], raw);
    return `${where}: ${String(issue.path.at(-1))} must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}, got ${String(value)}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return `unknown option ${keys}; valid options are ${validKeys.join(', ')}`;
  }
  // zod reports a missing key as a wrong type; say "required" instead, which is what a person needs to hear.
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `${where} is required (a ${issue.expected})`;
  }
  return `${where}: ${issue.message}`;
}

/** Parses `raw` with `schema`, throwing an OptionsError that names `section` and the valid keys. */
export function parseOptions<S extends z.ZodType>(section: string, schema: S, raw: unknown, validKeys: readonly string[]): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new OptionsError(section, result.error.issues, validKeys, raw);
  return result.data;
}
