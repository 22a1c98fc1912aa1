import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DType } from '../../graph/dtype.ts';
import type { Model } from '../../contracts/model.ts';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import { lossBuilder } from '../losses/loss-builder.ts';
import type { LossTermConfig } from '../losses/loss-kind.ts';
import { createOptimizer } from '../optimizers/create-optimizer.ts';
import { buildTrainingProgram, type DataInputSpec, type TrainingProgram } from '../program.ts';
import { tensor } from '../../graph/tensor.ts';
import { modelForLoss } from '../losses/rollout/rollout-model.ts';
import { CheckpointError } from './checkpoint-error.ts';
import type { CheckpointManifest } from './manifest.ts';

/**
 * The training program a checkpoint was written by, rebuilt from its manifest alone (no YAML, no data file): the
 * model plugin by name with its recorded params, the data input specs, the loss terms (with the adapter's recorded
 * loss context, e.g. a PINN's domain) and optimizer of the recorded config, in the recorded dtype. The state names therefore match the checkpoint's .npz files exactly.
 */
/** Builds a model from its definition and params that passed its schema (the orchestrator's construction path, with the read-back). */
export type BuildModel = (definition: PluginDefinition<'model'>, params: unknown) => Promise<Model>;

/**
 * A model with a `prepare` hook (a torch module, exported on a batch) is prepared on zeros of the recorded input
 * shapes: only the graph's structure matters here, the trained values come from the checkpoint. Its files go to
 * a scratch folder that is removed: the run directory it was trained in keeps the original export.
 */
async function prepareForRebuild(model: Model, inputs: Record<string, DataInputSpec>, batchSize: number, seed: number): Promise<void> {
  if (!model.prepare) return;
  const batch = new Map(Object.entries(inputs).map(([key, s]) => [key, tensor(s.dtype, s.perSample ? [batchSize, ...s.shape] : s.shape)]));
  const scratch = mkdtempSync(join(tmpdir(), 'tandem-rebuild-'));
  try {
    await model.prepare({ batch, runDir: scratch, seed });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function rebuildProgram(manifest: CheckpointManifest, models: readonly PluginDefinition[], build: BuildModel, batchSize: number, where: string): Promise<TrainingProgram> {
  const definition = models.find((d): d is PluginDefinition<'model'> => d.kind === 'model' && d.name === manifest.model.name);
  if (!definition) {
    const known = models.filter((d) => d.kind === 'model').map((d) => d.name);
    throw new CheckpointError(`checkpoint ${where} was trained with model "${manifest.model.name}", which is not registered here (models: ${known.join(', ')}); load the plugin that provides it`);
  }
  const parsed = definition.params.safeParse(manifest.model.params);
  if (!parsed.success) {
    throw new CheckpointError(`checkpoint ${where}: the recorded params of model "${manifest.model.name}" no longer fit its schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`);
  }
  const train = manifest.config.train as { loss: Record<string, LossTermConfig>; optimizer: unknown; clip_grad_norm?: { max_norm: number } };
  const model = modelForLoss(await build(definition, parsed.data), train.loss);
  const inputs = Object.fromEntries(
    Object.entries(manifest.inputs).map(([key, s]) => [key, { dtype: s.dtype as DType, shape: [...s.shape], perSample: s.perSample }]),
  );
  await prepareForRebuild(model, inputs, batchSize, manifest.experiment.seed);
  return buildTrainingProgram(
    {
      name: manifest.experiment.name,
      model,
      seed: manifest.experiment.seed,
      dtype: manifest.dtype,
      inputs,
      loss: lossBuilder(train.loss, 'train.loss', manifest.lossContext ?? {}),
      optimizer: createOptimizer(train.optimizer),
      ...(train.clip_grad_norm ? { clip: train.clip_grad_norm } : {}),
    },
    batchSize,
  );
}
