import type { DType } from '../../graph/dtype.ts';
import type { Model } from '../../contracts/model.ts';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import { lossBuilder } from '../losses/loss-builder.ts';
import type { LossTermConfig } from '../losses/loss-kind.ts';
import { createOptimizer } from '../optimizers/create-optimizer.ts';
import { buildTrainingProgram, type TrainingProgram } from '../program.ts';
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
  const model = await build(definition, parsed.data);
  const train = manifest.config.train as { loss: Record<string, LossTermConfig>; optimizer: unknown; clip_grad_norm?: { max_norm: number } };
  const inputs = Object.fromEntries(
    Object.entries(manifest.inputs).map(([key, s]) => [key, { dtype: s.dtype as DType, shape: [...s.shape], perSample: s.perSample }]),
  );
  return buildTrainingProgram(
    {
      name: manifest.experiment.name,
      model: modelForLoss(model, train.loss),
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
