import { posix } from 'node:path';
import { TrackerError } from './tracker-error.ts';

/**
 * MLflow's own checks (`mlflow/utils/validation.py`), applied before anything is written or sent, so a bad key
 * fails at the step that logged it with a sentence naming it, instead of as a 400 from the server minutes later
 * or a folder-store file MLflow later refuses to read.
 */
export const LIMITS = {
  /** MAX_ENTITY_KEY_LENGTH: the proto guarantees 250 bytes for param, metric and tag keys. */
  keyBytes: 250,
  /** MAX_PARAM_VAL_LENGTH (LogParam). */
  paramValueBytes: 6000,
  /** The run tag value length every MLflow version guarantees (SetTag). */
  tagValueBytes: 5000,
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  /** MAX_BATCH_LOG_REQUEST_SIZE. */
  batchRequestBytes: 1_000_000,
} as const;

export type EntityKind = 'metric' | 'param' | 'tag';

// Python's `\w` is Unicode-aware; letters, marks, digits and connector punctuation cover it. The colon is allowed
// since MLflow 2.x; our loss-term metrics (`train/loss:data`) need it.
const NAME = /^[/\p{L}\p{M}\p{N}\p{Pc}.\- :]*$/u;

/** Why `name` is not a valid MLflow metric, param or tag key, or undefined when it is. */
export function keyProblem(name: string): string | undefined {
  if (!NAME.test(name)) {
    return 'names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)';
  }
  // MLflow's path_not_unique: a key is also a file path in the folder store, so it must not normalise to another.
  // Node's normalize keeps a trailing "/" that Python's normpath drops, hence the extra check.
  const norm = posix.normalize(name);
  if (name === '' || name.endsWith('/') || norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    return 'a name must be a clean relative path: not empty, no leading "/", no "//", no "." or ".." segments, no trailing "/"';
  }
  if (Buffer.byteLength(name) > LIMITS.keyBytes) return `a name may be at most ${LIMITS.keyBytes} bytes long (this one is ${Buffer.byteLength(name)})`;
  return undefined;
}

export function validateKey(kind: EntityKind, name: string): void {
  const problem = keyProblem(name);
  if (problem) throw new TrackerError(`MLflow would reject the ${kind} name ${JSON.stringify(name)}: ${problem}. Rename the ${kind}.`);
}

export function validateMetric(key: string, value: number, step: number): void {
  validateKey('metric', key);
  if (typeof value !== 'number') throw new TrackerError(`Metric ${JSON.stringify(key)} has value ${JSON.stringify(value)}; MLflow metrics are numbers.`);
  if (!Number.isSafeInteger(step)) throw new TrackerError(`Metric ${JSON.stringify(key)} was logged at step ${step}; MLflow steps are integers.`);
}

export function validateTag(key: string, value: string): void {
  validateKey('tag', key);
  const bytes = Buffer.byteLength(value);
  if (bytes > LIMITS.tagValueBytes) {
    throw new TrackerError(`The value of tag ${JSON.stringify(key)} is ${bytes} bytes; MLflow guarantees only ${LIMITS.tagValueBytes}. Shorten it.`);
  }
}

export function validateParam(key: string, value: string): void {
  validateKey('param', key);
  const bytes = Buffer.byteLength(value);
  if (bytes > LIMITS.paramValueBytes) {
    throw new TrackerError(`The value of param ${JSON.stringify(key)} is ${bytes} bytes; MLflow allows at most ${LIMITS.paramValueBytes}.`);
  }
}

/** Cut a string to at most `bytes` UTF-8 bytes without splitting a character, marking the cut with "...". */
export function truncateBytes(value: string, bytes: number): string {
  if (Buffer.byteLength(value) <= bytes) return value;
  let out = '';
  let used = 0;
  for (const ch of value) {
    const size = Buffer.byteLength(ch);
    if (used + size > bytes - 3) break;
    used += size;
    out += ch;
  }
  return `${out}...`;
}

/** An experiment name MLflow accepts: any non-empty string (the server checks nothing else). */
export function validateExperimentName(name: string): void {
  if (name.trim() === '') throw new TrackerError('The MLflow experiment name is empty; set tracker.params.experiment or experiment.name.');
}
