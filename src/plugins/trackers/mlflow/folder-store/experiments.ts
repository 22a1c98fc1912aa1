import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TrackerError } from '../tracker-error.ts';
import { experimentMeta, readMeta, writeMeta } from './meta-yaml.ts';

/** FileStore constants (`mlflow/store/tracking/file_store.py`). */
export const TRASH_FOLDER = '.trash';
const DEFAULT_EXPERIMENT = { id: '0', name: 'Default' } as const;
// Not experiments, though they sit beside them: the model registry and deleted experiments.
const NOT_EXPERIMENTS = new Set([TRASH_FOLDER, 'models']);
const EXPERIMENT_ID_WIDTH = 18;

export interface ExperimentRef {
  readonly id: string;
  readonly dir: string;
  readonly artifactLocation: string;
}

/** `file://` URI of an absolute path, as MLflow's `path_to_local_file_uri` (pathlib `as_uri`) writes it. */
export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/**
 * Make sure `root` is a folder store, as FileStore.__init__ does: a missing root gets the Default experiment "0"
 * and `.trash/`. Failing here (before training starts) is what turns "EACCES somewhere" into an actionable error.
 */
export function openRoot(root: string): void {
  try {
    if (!existsSync(root)) {
      mkdirSync(root, { recursive: true });
      createExperiment(root, DEFAULT_EXPERIMENT.id, DEFAULT_EXPERIMENT.name);
    }
    mkdirSync(join(root, TRASH_FOLDER), { recursive: true });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new TrackerError(
      `Cannot write the MLflow folder store at ${root} (${e.code ?? e.message}). Point tracker.params.tracking_uri at a ` +
        'writable folder (e.g. file:./mlruns in the project), or fix the folder\'s permissions.',
      { cause: error },
    );
  }
}

/** Experiment lookup by name; create it if missing. Names are unique among active and deleted experiments. */
export function findOrCreateExperiment(root: string, name: string): ExperimentRef {
  const found = findExperiment(root, name);
  if (found) return found;
  if (findExperiment(join(root, TRASH_FOLDER), name)) {
    throw new TrackerError(
      `The MLflow experiment ${JSON.stringify(name)} exists in deleted state in ${join(root, TRASH_FOLDER)}. Restore it ` +
        '(mlflow experiments restore), delete it permanently from the .trash folder, or choose another experiment name.',
    );
  }
  for (;;) {
    const id = newExperimentId();
    if (!existsSync(join(root, id))) return createExperiment(root, id, name);
  }
}

function findExperiment(dir: string, name: string): ExperimentRef | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || NOT_EXPERIMENTS.has(entry.name)) continue;
    const meta = readMeta(join(dir, entry.name));
    if (meta?.name !== name) continue;
    if (meta.lifecycle_stage === 'deleted') {
      throw new TrackerError(`The MLflow experiment ${JSON.stringify(name)} (id ${entry.name}) is marked deleted; restore it or choose another name.`);
    }
    return { id: String(meta.experiment_id ?? entry.name), dir: join(dir, entry.name), artifactLocation: String(meta.artifact_location) };
  }
  return undefined;
}

function createExperiment(root: string, id: string, name: string): ExperimentRef {
  const dir = join(root, id);
  mkdirSync(dir);
  const artifactLocation = fileUri(dir);
  writeMeta(dir, experimentMeta(id, name, artifactLocation, Date.now()));
  return { id, dir, artifactLocation };
}

/** A random fixed-width integer id, like MLflow's `_generate_unique_integer_id` for new folder-store experiments. */
function newExperimentId(): string {
  let id = String(randomInt(1, 10));
  while (id.length < EXPERIMENT_ID_WIDTH) id += String(randomInt(0, 10));
  return id;
}
