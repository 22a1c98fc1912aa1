import { z } from 'zod';
import type { Value } from '../../../graph/builder.ts';
import { scopeInput } from '../scope-keys.ts';
import type { LossScope } from '../../loss-scope.ts';
import { rolloutLoss } from './rollout-loss.ts';
import type { LossKindDefinition } from '../loss-kind.ts';
import { SetupError } from '../../../util/setup-error.ts';
import { windowFrames } from './window-frames.ts';

export const ROLLOUT_KIND = 'rollout_mse';

/**
 * `train.loss.<term>: {kind: rollout_mse, field, window, input, output, horizon}`: the model is applied to its own
 * output `horizon` times from the first frame of each window, and the MSE against the true frames is averaged
 * over the steps (./rollout-loss.ts). The window is the data key `field`, its per-sample dims named by `window`;
 * each predicted state is fed back as the model input `input`, and read from the model output `output`.
 */
export const rolloutTermSchema = z.strictObject({
  kind: z.literal(ROLLOUT_KIND),
  field: z.string().min(1).default('velocity').describe('the data key holding the windows of consecutive states'),
  window: z.string().min(1).default('(time, x, vector)').describe('dims of one window by name; must contain time'),
  input: z.string().min(1).default('u').describe('the model input a state is fed as (model.params.input)'),
  output: z.string().min(1).default('u_pred').describe('the model output holding the next state (model.params.output)'),
  horizon: z.int().min(1).optional().describe('rollout steps R (default: every frame of the window after the first)'),
  weight: z.number().nonnegative().default(1),
});
export type RolloutTermConfig = z.infer<typeof rolloutTermSchema>;

export const rolloutTerm: LossKindDefinition<RolloutTermConfig> = {
  name: ROLLOUT_KIND,
  description: 'autoregressive rollout MSE: the model fed its own predictions for horizon steps, averaged over the steps',
  params: rolloutTermSchema,
  build(scope: LossScope, c: RolloutTermConfig, where: string): Value {
    const window = scopeInput(scope, c.field, `${where}.field`);
    const frames = windowFrames(scope.g, window, c.window, where);
    const horizon = c.horizon ?? frames.length - 1;
    if (horizon > frames.length - 1) {
      throw new SetupError(`${where}.horizon is ${horizon} but each window of "${c.field}" holds ${frames.length} frames, so at most ${frames.length - 1} rollout steps; lower the horizon or raise the adapter's rollout`);
    }
    const step = (_g: unknown, state: Value): Value => {
      const out = scope.model({ [c.input]: state })[c.output];
      if (!out) throw new SetupError(`${where}.output names "${c.output}", which the model does not produce; set it to the model's output (model.params.output)`);
      return out;
    };
    return rolloutLoss(scope.g, frames[0], frames.slice(1, horizon + 1), step).total;
  },
};
