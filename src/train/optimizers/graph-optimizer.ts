import type { GraphBuilder, Value } from '../../graph/builder.ts';

/**
 * An optimizer written as forward graph ops, so every backend that runs forward ops can train with it and the
 * update itself can be compared op by op against torch.optim.
 *
 * `lr` and `step` are rank-0 graph inputs of the parameters' dtype, shared by every parameter:
 * - `lr` is the schedule's LR for this update (host-side schedules feed it each step);
 * - `step` is the 1-based index of the update being computed, i.e. torch's `state['step']` after its
 *   increment (1 on the first update). torch keeps one counter per parameter; they are equal whenever every
 *   parameter receives a gradient at every step, which is the only case tandem trains. float32 represents
 *   step counts exactly up to 2^24.
 */
export interface StepScalars {
  readonly lr: Value;
  readonly step: Value;
}

/** One parameter's update inputs: its value, its gradient and its current slot values (by slot name). */
export interface ParamUpdateInputs {
  readonly param: Value;
  readonly grad: Value;
  readonly slots: Readonly<Record<string, Value>>;
}

export interface ParamUpdateOutputs {
  readonly param: Value;
  readonly slots: Readonly<Record<string, Value>>;
}

export interface GraphOptimizer {
  /** 'sgd' | 'adam' | 'adamw'. */
  readonly name: string;
  /**
   * Per-parameter state slots, named as torch's `optimizer.state[p]` keys (`momentum_buffer`, `exp_avg`,
   * `exp_avg_sq`, `max_exp_avg_sq`) so parity can compare them by name. Every slot starts as zeros of the
   * parameter's shape and dtype. torch's per-parameter `step` is not a slot: it is the shared `step` input.
   */
  readonly slots: readonly string[];
  /** Emits one parameter's update into `g`. */
  update(g: GraphBuilder, inputs: ParamUpdateInputs, scalars: StepScalars): ParamUpdateOutputs;
}

/** A rank-0 constant in the dtype of `like`: optimizer hyperparameters are rounded to the parameter dtype, as torch does. */
export function scalarLike(g: GraphBuilder, v: number, like: Value): Value {
  return g.scalar(v, like.dtype);
}
