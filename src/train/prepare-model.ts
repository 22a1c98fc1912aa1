import type { DataView } from '../data/data-view.ts';
import type { Model } from '../contracts/model.ts';
import { constantFeeds, feedOf } from './trainer.ts';

/**
 * Runs the model's optional `prepare` hook (contracts/model.ts) with the first train batch exactly as the trainer
 * draws it (seed, epoch 0), before the program is built. Returns the hook's line for the log, if any.
 */
export async function prepareModel(model: Model, data: DataView, batchSize: number, seed: number, runDir: string): Promise<string | undefined> {
  if (!model.prepare) return undefined;
  const first = data.epoch('train', { batchSize, seed, epoch: 0, dropLast: true }).at(0);
  return model.prepare({ batch: feedOf(first, constantFeeds(data)), runDir, seed });
}
