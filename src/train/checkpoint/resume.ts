import { rngFor } from '../../data/rng.ts';
import { configDiff } from '../../util/config-diff.ts';
import { CheckpointError } from './checkpoint-error.ts';
import { resolveCheckpoint, type ResolvedCheckpoint } from './resolve-checkpoint.ts';

export interface ResumeRequest {
  /** `last`, a run directory, or a checkpoint directory. */
  readonly target: string;
  /** Resume even when the checkpoint was written by another config (the differences are still listed). */
  readonly force: boolean;
}

/**
 * The checkpoint a run resumes from, checked against the run's config before anything is built
 * (specs/checkpoints.md §4): a checkpoint written by another config (another hash) is refused with the
 * differences listed by key path, unless forced; and the batch-order RNG must still draw the numbers it drew
 * when the checkpoint was written, or the resumed batches would silently differ.
 */
export function openResume(request: ResumeRequest, outputsRoot: string, run: { readonly hash: string; readonly config: unknown }): ResolvedCheckpoint {
  const resolved = resolveCheckpoint(request.target, outputsRoot);
  const { manifest, dir } = resolved.checkpoint;
  const notices = [...resolved.notices];
  if (manifest.configHash !== run.hash) {
    const diff = configDiff(manifest.config, run.config);
    const listed = diff.length ? diff.map((d) => `  ${d}`).join('\n') : '  (no value differs: the hash rules changed)';
    if (!request.force) {
      throw new CheckpointError(
        `checkpoint ${dir} was written by config sha256:${manifest.configHash.slice(0, 12)}…, this run's config is sha256:${run.hash.slice(0, 12)}…; ` +
          `the differences (checkpoint → this run):\n${listed}\nResume with the checkpoint's config, or pass --force (resume_force=true) to resume anyway`,
      );
    }
    notices.push(`resuming despite a config difference (forced); checkpoint → this run:\n${listed}`);
  }
  const { seed, epoch, state } = manifest.rng.batchOrder;
  const now = rngFor(seed, 'batches', 'train', epoch).state();
  if (now.some((w, i) => w !== state[i])) {
    throw new CheckpointError(
      `checkpoint ${dir}: the batch-order RNG for seed ${seed}, epoch ${epoch} starts from [${now.join(', ')}] in this tandem but was [${state.join(', ')}] when the checkpoint was written; ` +
        'the resumed batches would differ, so the trajectory would not continue. Resume with the tandem version that wrote it',
    );
  }
  return { checkpoint: resolved.checkpoint, notices };
}
