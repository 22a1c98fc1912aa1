import { LIMITS, keyProblem, truncateBytes } from './validation.ts';
import { TrackerError } from './tracker-error.ts';

export interface FlatParams {
  readonly params: Record<string, string>;
  /** Keys whose values were longer than MLflow allows and were cut (the full config is an artifact). */
  readonly truncated: readonly string[];
}

/**
 * The resolved config as MLflow params: one param per leaf, keyed by its dotted path (`train.optimizer.lr`), as
 * Hydra's MLflow integrations do. Lists are leaves written as JSON (`[32,32]`): a list is one setting, and
 * indexing it (`model.params.hidden.0`) would make params that appear and vanish with its length. `null` is ""
 * as MLflow writes None. Values past MLflow's 6000-byte limit are cut and reported; keys MLflow would reject
 * are an error naming the config path, since renaming a config key is the only fix.
 */
export function flattenParams(config: unknown): FlatParams {
  const params: Record<string, string> = {};
  const truncated: string[] = [];
  const visit = (value: unknown, path: string[]): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
      return;
    }
    const key = path.join('.');
    const problem = keyProblem(key);
    if (problem) throw new TrackerError(`The config key ${JSON.stringify(key)} cannot be an MLflow param name: ${problem}. Rename the key in the config.`);
    const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    const cut = truncateBytes(text, LIMITS.paramValueBytes);
    if (cut !== text) truncated.push(key);
    params[key] = cut;
  };
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TrackerError('The run config handed to the MLflow tracker is not a mapping, so it cannot be logged as params.');
  }
  for (const [key, child] of Object.entries(config)) visit(child, [key]);
  return { params, truncated };
}
