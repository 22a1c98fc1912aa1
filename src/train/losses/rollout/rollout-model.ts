import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import type { Model } from '../../../contracts/model.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import type { LossTermConfig } from '../loss-kind.ts';
import { SetupError } from '../../../util/setup-error.ts';
import { ROLLOUT_KIND, type RolloutTermConfig } from './rollout-term.ts';
import { windowFrames } from './window-frames.ts';

/**
 * A model trained by a rollout loss sees whole windows in the batch, (batch, time, x[, y], vector), while it maps
 * ONE state to the next. This wrapper gives the program's forward pass the first frame of each window as the
 * model input, so the forward graph (and inference) is one step from a window's initial state; the rollout loss
 * calls the same model on its own predicted states, which arrive already named as the model input.
 */
export class RolloutModel implements Model {
  constructor(
    readonly inner: Model,
    readonly term: RolloutTermConfig,
    private readonly where: string,
  ) {}

  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    if (this.term.input in inputs) return this.inner.forward(g, inputs, params);
    const window = inputs[this.term.field];
    if (!window) throw new SetupError(`${this.where}.field names "${this.term.field}", which is not a data key; the data provides: ${Object.keys(inputs).join(', ')}`);
    const [initial] = windowFrames(g, window, this.term.window, this.where);
    return this.inner.forward(g, { ...inputs, [this.term.input]: initial }, params);
  }

  effectiveSettings(): Record<string, unknown> {
    return this.inner.effectiveSettings();
  }
}

/** The rollout term of a loss section, with its config path, or undefined; more than one is refused. */
export function rolloutTermOf(loss: Readonly<Record<string, LossTermConfig>> | undefined, section = 'train.loss'): { term: RolloutTermConfig; where: string } | undefined {
  const found = Object.entries(loss ?? {}).filter(([, t]) => t.kind === ROLLOUT_KIND);
  if (found.length > 1) throw new SetupError(`${section} has ${found.length} ${ROLLOUT_KIND} terms (${found.map(([n]) => n).join(', ')}); a model rolls out one field, so keep one`);
  return found.length ? { term: found[0][1] as unknown as RolloutTermConfig, where: `${section}.${found[0][0]}` } : undefined;
}

/** The model as a program trained with `loss` needs it: wrapped when the loss rolls it out, else as is. */
export function modelForLoss(model: Model, loss: Readonly<Record<string, LossTermConfig>> | undefined): Model {
  const rollout = rolloutTermOf(loss);
  return rollout ? new RolloutModel(model, rollout.term, rollout.where) : model;
}
