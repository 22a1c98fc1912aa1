import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyticAdapter } from '../../src/plugins/adapters/analytic/analytic-adapter.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { mlpModel } from '../../src/plugins/models/mlp/mlp.ts';
import { checkpointSchema } from '../../src/train/checkpoint/checkpoint-options.ts';
import type { LoadedCheckpoint } from '../../src/train/checkpoint/read-checkpoint.ts';
import { silentProgress } from '../../src/train/progress.ts';
import type { TrainResults } from '../../src/train/results.ts';
import { TrainingRun, type TrainSettings } from '../../src/train/training-run.ts';
import { trainingStages } from '../../src/train/training-stages.ts';

export const modelParams = { in_features: 2, hidden: [8], out_features: 1, output: 'u_hat' };

/** The resolved config a manifest records (only model and train are read back by infer). */
export function configOf(train: TrainSettings): Record<string, unknown> {
  return { experiment: { name: 'ckpt', seed: 0 }, model: { name: 'mlp', params: mlpModel.params.parse(modelParams) }, train };
}

/**
 * A small run (64 train samples, batches of 16: 4 steps per epoch) with `train.checkpoint` set, through the four
 * training stages in-process. Returns the run directory and results.
 */
export async function trainWithCheckpoints(
  checkpoint: Record<string, unknown>,
  train: Partial<TrainSettings> = {},
  options: { resume?: LoadedCheckpoint; configHash?: string } = {},
): Promise<{ runDir: string; results: TrainResults }> {
  const runDir = mkdtempSync(join(tmpdir(), 'tandem-ckpt-'));
  const settings: TrainSettings = {
    epochs: 3,
    batch_size: 16,
    optimizer: { name: 'adam', lr: 1e-2 },
    loss: { data: { kind: 'mse', output: 'u_hat', target: 'u', weight: 1 } },
    checkpoint: checkpointSchema.parse(checkpoint),
    ...train,
  };
  const run = new TrainingRun({
    adapter: await analyticAdapter.create(analyticAdapter.params.parse({ n_train: 64, n_val: 16 })),
    model: await mlpModel.create(mlpModel.params.parse(modelParams)),
    backend: await ortBackend.create(ortBackend.params.parse({ threads: 1 })),
    runDir,
    experiment: 'ckpt',
    seed: 0,
    progress: silentProgress,
    train: settings,
    identity: { configHash: options.configHash ?? 'a'.repeat(64), config: configOf(settings) },
    ...(options.resume ? { resume: options.resume } : {}),
  });
  const [data, model, trainStage] = trainingStages(run);
  for (const stage of [data, model, trainStage]) await stage.execute();
  return { runDir, results: (await run.evaluate()).results };
}
