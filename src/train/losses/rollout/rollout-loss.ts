import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { fmtShape, sameShape } from '../../../graph/shape-utils.ts';
import { dataTerm } from '../data/data-terms.ts';

/** One autoregressive step of a model: the next state from the current one, emitted into `g`. */
export type RolloutStep = (g: GraphBuilder, state: Value, stepIndex: number) => Value;

/** The loss of one predicted state against its target (a rank-0 value); MSE unless given. */
export type StepLoss = (g: GraphBuilder, predicted: Value, target: Value) => Value;

/**
 * Autoregressive rollout loss over a horizon: the model is applied to its own output, and the per-step losses
 * against `targets[k]` (the true state k+1 steps after `initial`) are averaged over the horizon. Gradients flow
 * through the whole unrolled chain (no teacher forcing), as in neural-operator rollout training.
 * The mean is Σ loss_k / H, summed in step order, which a torch reference reproduces with `sum(losses) / H`.
 */
export function rolloutLoss(
  g: GraphBuilder,
  initial: Value,
  targets: readonly Value[],
  step: RolloutStep,
  stepLoss: StepLoss = (gb, p, t) => dataTerm(gb, 'mse', p, t),
): { total: Value; perStep: Value[] } {
  if (targets.length === 0) throw new Error('rollout loss: the horizon is empty; give at least one target state');
  let state = initial;
  const perStep: Value[] = [];
  targets.forEach((target, k) => {
    state = step(g, state, k);
    if (!sameShape(state.shape, target.shape)) {
      throw new Error(`rollout loss: step ${k + 1} produced ${fmtShape(state.shape)} but its target "${target.name}" is ${fmtShape(target.shape)}; the step function must return a state shaped like the targets`);
    }
    perStep.push(stepLoss(g, state, target));
  });
  const sum = perStep.reduce((a, b) => g.add(a, b));
  return { total: g.div(sum, g.scalar(targets.length, sum.dtype)), perStep };
}
