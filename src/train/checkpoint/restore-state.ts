import type { Session } from '../../contracts/backend.ts';
import type { TrainingProgram } from '../program.ts';
import { CheckpointError } from './checkpoint-error.ts';
import type { LoadedCheckpoint } from './read-checkpoint.ts';

/**
 * Puts a checkpoint's parameters and optimizer slots into a session. The program must be the one the checkpoint
 * was trained with: the same state names, dtypes and shapes, and the same batch size (the saved position counts
 * batches of that size). A mismatch, possible only when resuming with --force, is refused naming what differs.
 */
export function restoreState(session: Session, program: TrainingProgram, checkpoint: LoadedCheckpoint): void {
  const { manifest, dir } = checkpoint;
  if (manifest.batchSize !== program.batchSize) {
    throw new CheckpointError(`checkpoint ${dir} was trained with batches of ${manifest.batchSize}, this run uses ${program.batchSize}; its position (epoch ${manifest.loop.epoch}, batch ${manifest.loop.batch}) would mean other samples. Resume with train.batch_size=${manifest.batchSize}`);
  }
  const missing = program.stateNames.filter((n) => !checkpoint.state.has(n));
  const extra = [...checkpoint.state.keys()].filter((n) => !program.stateNames.includes(n));
  if (missing.length || extra.length) {
    throw new CheckpointError(
      `checkpoint ${dir} does not fit this model and optimizer: ${missing.length ? `it lacks ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `it has ${extra.join(', ')}, which this program does not` : ''}`,
    );
  }
  try {
    session.setState(checkpoint.state);
  } catch (error) {
    throw new CheckpointError(`checkpoint ${dir} does not fit this model: ${(error as Error).message}`);
  }
}
