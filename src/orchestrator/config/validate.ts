import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { didYouMean } from '../../util/suggest.ts';
import { formatPath, locate, type KeyPath, type OriginMap } from './origins.ts';

/**
 * Validate a config tree (or one plugin's params) against a zod schema and turn zod's issues into sentences that
 * name the file, line, column and key path, and say what to do (spec: specs/config-handshake.md §5).
 */
export interface ValidationContext {
  readonly origins: OriginMap;
  /** The file to blame when a key has no recorded origin (e.g. a required key that is missing everywhere). */
  readonly primaryFile: string;
  /** Where `value` sits in the whole config, e.g. ['model', 'params'] for a plugin's params. */
  readonly prefix?: KeyPath;
  /** Who owns the schema, for the message ("params of model 'mlp'"). */
  readonly owner?: string;
}

const MAX_REPORTED = 5;

export function validateAgainst<S extends z.ZodType>(schema: S, value: unknown, context: ValidationContext): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Unknown keys first: a misspelt key also shows up as the real key "missing", and the typo is the cause.
  const issues = [...result.error.issues].sort((a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'));
  const errors = issues.slice(0, MAX_REPORTED).map((issue) => issueToError(issue, schema, value, context));
  const more = result.error.issues.length - errors.length;
  const first = errors[0];
  if (errors.length > 1 || more > 0) {
    first.message = errors.map((e) => e.message).join('\n') + (more > 0 ? `\n(and ${more} more problem(s))` : '');
  }
  throw first;
}

function issueToError(issue: z.core.$ZodIssue, schema: z.ZodType, value: unknown, context: ValidationContext): ConfigError {
  const prefix = context.prefix ?? [];
  // zod paths may hold symbols in theory; config trees come from YAML and only have string and number keys.
  const issuePath = issue.path.map((s) => (typeof s === 'number' ? s : String(s)));
  const owner = context.owner ? ` in the params of ${context.owner}` : '';
  if (issue.code === 'unrecognized_keys') {
    const valid = keysAt(schema, issue.path);
    const key = String(issue.keys[0]);
    const path = [...prefix, ...issuePath, key];
    return new ConfigError(
      `unknown key '${key}'${owner}`,
      { ...locate(context.origins.lookup(path), context.primaryFile), keyPath: formatPath(path) },
      `${didYouMean(key, valid).trim() || 'Remove it or check the spelling.'}${valid.length ? ` Valid keys here: ${valid.join(', ')}.` : ''}`,
    );
  }
  const path = [...prefix, ...issuePath];
  const where = { ...locate(context.origins.lookup(path), context.primaryFile), keyPath: formatPath(path) };
  const actual = valueAt(value, issue.path);
  if (actual === undefined && issue.code === 'invalid_type') {
    return new ConfigError(`required key '${String(path[path.length - 1])}' is missing${owner}`, where, `Add it (${yamlType(issue.expected)}).`);
  }
  if (issue.code === 'invalid_value') {
    const choices = issue.values.map((v) => String(v));
    return new ConfigError(
      `${JSON.stringify(actual)} is not a valid choice${owner}`,
      where,
      `Use one of: ${choices.join(', ')}.${didYouMean(String(actual), choices)}`,
    );
  }
  // zod calls NaN "received NaN" and JSON prints it null; say what it is.
  if (issue.code === 'invalid_type' && typeof actual === 'number' && !Number.isFinite(actual)) {
    return new ConfigError(`${actual} is not a finite number${owner}`, where, 'Write a finite number here.');
  }
  return new ConfigError(`${issue.message} (got ${shown(actual)})${owner}`, where, fixFor(issue));
}

/** The offending value as JSON, a long string cut short with its length. */
function shown(value: unknown): string {
  if (typeof value === 'string' && value.length > 60) return `"${value.slice(0, 40)}…" (${value.length} characters)`;
  return JSON.stringify(value);
}

function fixFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string' ? `Use at least ${String(issue.minimum)} characters.` : `Use a value ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}.`;
    case 'too_big':
      return issue.origin === 'string' ? `Use at most ${String(issue.maximum)} characters.` : `Use a value ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}.`;
    case 'invalid_type':
      return `Write ${yamlType(issue.expected)} here.`;
    default:
      return 'Fix the value.';
  }
}

/** zod's type names in the words of someone editing YAML. */
function yamlType(expected: string): string {
  const names: Record<string, string> = {
    object: 'a mapping (key: value lines)',
    record: 'a mapping (key: value lines)',
    array: 'a list ([a, b] or "- item" lines)',
    tuple: 'a list ([a, b])',
    number: 'a number',
    int: 'an integer',
    string: 'a string',
    boolean: 'true or false',
  };
  return names[expected] ?? `a ${expected}`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** The keys a strict object schema accepts at `path`, found by walking the schema (through optional/default). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.core.$ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    const def = node?._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; valueType?: z.core.$ZodType };
    if (def?.type === 'object' && def.shape) node = unwrap(def.shape[String(segment)]);
    else if (def?.type === 'array' && def.element) node = unwrap(def.element);
    else if (def?.type === 'record' && def.valueType) node = unwrap(def.valueType);
    else return [];
  }
  const def = node?._zod.def as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let node = schema;
  for (;;) {
    const def = node?._zod.def as { type: string; innerType?: z.core.$ZodType } | undefined;
    const pipeInput = (def as { in?: z.core.$ZodType } | undefined)?.in;
    if (def && ['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional'].includes(def.type) && def.innerType) node = def.innerType;
    else if (def?.type === 'pipe' && pipeInput) node = pipeInput;
    else return node;
  }
}
