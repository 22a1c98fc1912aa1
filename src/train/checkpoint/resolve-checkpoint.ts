import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { LAST } from './checkpointer.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { MANIFEST_FILE } from './manifest.ts';
import { loadCheckpoint, type LoadedCheckpoint } from './read-checkpoint.ts';

/** The folder of a run's checkpoints, inside its run directory. */
export const CHECKPOINTS_DIR = 'checkpoints';

export interface ResolvedCheckpoint {
  readonly checkpoint: LoadedCheckpoint;
  /** Sentences for the person: each checkpoint refused on the way, and which one is used instead. */
  readonly notices: readonly string[];
}

/**
 * Finds the checkpoint a `resume=` or `--checkpoint` names and loads the first valid one (specs/checkpoints.md §4):
 *
 * - `last`: the `last` checkpoint of the newest run directory under `outputsRoot` that has checkpoints;
 * - a run directory or its `checkpoints/` folder: that folder's `last`;
 * - a checkpoint directory: that one.
 *
 * A damaged or partial checkpoint is refused, saying why, and the newest valid one written before it in the same
 * folder is used instead, saying so. Only when none is valid is it an error.
 */
export function resolveCheckpoint(target: string, outputsRoot: string): ResolvedCheckpoint {
  const candidates = candidatesFor(target, outputsRoot);
  const notices: string[] = [];
  const refusals: string[] = [];
  for (const dir of candidates) {
    try {
      const checkpoint = loadCheckpoint(dir);
      if (refusals.length) notices.push(`using ${show(dir)} instead, the newest valid checkpoint before it`);
      return { checkpoint, notices };
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      refusals.push(error.message);
      notices.push(`refusing ${error.message}`);
    }
  }
  if (candidates.length === 0) throw new CheckpointError(`no checkpoint found at ${target}`);
  throw new CheckpointError(`no valid checkpoint at ${target}: ${refusals.join('; ')}`);
}

function candidatesFor(target: string, outputsRoot: string): string[] {
  if (target === LAST) return folderCandidates(newestCheckpointFolder(outputsRoot));
  if (!existsSync(target)) throw new CheckpointError(`checkpoint ${target} does not exist; give a checkpoint directory, a run directory, or "last"`);
  if (existsSync(join(target, CHECKPOINTS_DIR))) return folderCandidates(join(target, CHECKPOINTS_DIR));
  if (existsSync(join(target, MANIFEST_FILE)) || basename(target) === LAST || stepOf(basename(target)) !== undefined) {
    // One checkpoint named explicitly: it first, then the ones written before it in its folder.
    const step = stepOf(basename(target));
    const before = folderCandidates(dirname(target)).filter((d) => resolve(d) !== resolve(target) && (step === undefined || (stepOf(basename(d)) ?? Infinity) <= step));
    return [target, ...before];
  }
  const inside = folderCandidates(target);
  if (inside.length === 0) throw new CheckpointError(`${target} holds no checkpoint (no ${MANIFEST_FILE}, no ${CHECKPOINTS_DIR}/ folder, no epoch=E-step=S directories)`);
  return inside;
}

/** `last` first, then every checkpoint directory newest (highest step) first. */
function folderCandidates(folder: string): string[] {
  if (!existsSync(folder)) return [];
  // The directory `last` links to is tried as `last`; listing it again would only repeat its refusal.
  const lastTarget = existsSync(join(folder, LAST)) ? basename(realpathSync(join(folder, LAST))) : undefined;
  const named = readdirSync(folder)
    .filter((n) => n !== lastTarget && stepOf(n) !== undefined && statSync(join(folder, n), { throwIfNoEntry: false })?.isDirectory())
    .sort((a, b) => stepOf(b)! - stepOf(a)! || (a.startsWith(LAST) ? -1 : 1));
  return [...(existsSync(join(folder, LAST)) ? [join(folder, LAST)] : []), ...named.map((n) => join(folder, n))];
}

/** The step in `epoch=E-step=S` and in the `last.step=S[-v1]` directories the `last` link points to. */
function stepOf(name: string): number | undefined {
  const m = /^(?:epoch=\d+-step=(\d+)|last\.step=(\d+)(?:-v\d+)?)$/.exec(name);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

/** Run directories are `<outputs>/<YYYY-MM-DD>/<HH-MM-SS>[-N]`: their names sort by start time. */
function newestCheckpointFolder(outputsRoot: string): string {
  const runs = existsSync(outputsRoot)
    ? readdirSync(outputsRoot)
        .filter((day) => /^\d{4}-\d{2}-\d{2}$/.test(day))
        .flatMap((day) => readdirSync(join(outputsRoot, day)).map((time) => join(outputsRoot, day, time)))
        .filter((run) => existsSync(join(run, CHECKPOINTS_DIR)))
        .sort((a, b) => runOrder(a, b))
    : [];
  const newest = runs[runs.length - 1];
  if (!newest) throw new CheckpointError(`resume=last: no run under ${outputsRoot}/ has a ${CHECKPOINTS_DIR}/ folder; enable train.checkpoint, or name a checkpoint directory`);
  return join(newest, CHECKPOINTS_DIR);
}

function runOrder(a: string, b: string): number {
  // `-N` (a second run in the same second) counts numerically: 12-00-00-10 is after 12-00-00-9.
  const key = (p: string) => {
    const m = /^(\d\d-\d\d-\d\d)-(\d+)$/.exec(basename(p));
    return [basename(dirname(p)), m ? m[1] : basename(p), m ? Number(m[2]) : 0] as const;
  };
  const [ka, kb] = [key(a), key(b)];
  return ka[0].localeCompare(kb[0]) || ka[1].localeCompare(kb[1]) || ka[2] - kb[2];
}

function show(dir: string): string {
  return relative(process.cwd(), dir) || dir;
}
