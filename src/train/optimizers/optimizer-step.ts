import type { DType } from '../../graph/dtype.ts';
import type { GraphBuilder, Value } from '../../graph/builder.ts';
import { clipGradNorm } from './clip-grad-norm.ts';
import type { GraphOptimizer } from './graph-optimizer.ts';

/** Graph input names of the shared step scalars (rank 0, the parameters' dtype). */
export const LR_INPUT = 'lr';
export const STEP_INPUT = 'step';

/** Graph input name of a parameter's optimizer slot, e.g. `dense0.weight/exp_avg`. */
export const slotInputName = (param: string, slot: string): string => `${param}/${slot}`;
/** Graph output name of the updated value of a parameter or slot input, e.g. `dense0.weight/exp_avg/next`. */
export const nextName = (inputName: string): string => `${inputName}/next`;
/** Graph output name of the global gradient norm (before clipping), when clipping is on. */
export const GRAD_NORM_OUTPUT = 'grad_norm';

export interface TrainableParam {
  /** The parameter's graph input name. */
  readonly name: string;
  readonly value: Value;
  /** Its gradient of the loss, already in the graph (from autodiff). */
  readonly grad: Value;
}

export interface OptimizerStep {
  /** Slot graph inputs by parameter name, then slot name: feed zeros of the parameter's shape before step 1. */
  readonly slotInputs: ReadonlyMap<string, Readonly<Record<string, Value>>>;
  readonly lr: Value;
  readonly step: Value;
}

/**
 * Appends the optimizer update of every parameter to a train-step graph: creates the `lr`, `step` and slot
 * inputs, optionally clips the gradients by global norm (torch's order: clip, then step), and marks as outputs
 * `<param>/next` and `<param>/<slot>/next` for every parameter and slot (plus `grad_norm` when clipping).
 */
export function emitOptimizerStep(
  g: GraphBuilder,
  optimizer: GraphOptimizer,
  params: readonly TrainableParam[],
  clip?: { readonly max_norm: number },
): OptimizerStep {
  if (params.length === 0) throw new Error(`optimizer "${optimizer.name}": the model has no trainable parameters to update`);
  const dtype: DType = params[0].value.dtype;
  const mixed = params.find((p) => p.value.dtype !== dtype || p.grad.dtype !== dtype);
  if (mixed) {
    throw new Error(`optimizer "${optimizer.name}": parameter "${mixed.name}" (or its gradient) is not ${dtype} like "${params[0].name}"; one train step uses one float dtype`);
  }
  const lr = g.input(LR_INPUT, dtype, []);
  const step = g.input(STEP_INPUT, dtype, []);
  let grads = params.map((p) => p.grad);
  if (clip) {
    const clipped = clipGradNorm(g, grads, clip.max_norm);
    grads = clipped.grads;
    g.output(clipped.totalNorm, GRAD_NORM_OUTPUT);
  }
  const slotInputs = new Map<string, Record<string, Value>>();
  params.forEach((p, i) => {
    const slots: Record<string, Value> = {};
    for (const s of optimizer.slots) slots[s] = g.input(slotInputName(p.name, s), dtype, p.value.shape);
    slotInputs.set(p.name, slots);
    const updated = optimizer.update(g, { param: p.value, grad: grads[i], slots }, { lr, step });
    g.output(updated.param, nextName(p.name));
    for (const s of optimizer.slots) g.output(updated.slots[s], nextName(slotInputName(p.name, s)));
  });
  return { slotInputs, lr, step };
}
