import type { DType } from '../../graph/dtype.ts';
import { fmtShape, sameShape } from '../../graph/shape-utils.ts';
import type { Tensor } from '../../graph/tensor.ts';

/**
 * The argument checks every Session makes the same way (specs/backend.md §3), so that a bad learning rate or a
 * state of the wrong form reads the same on onnxruntime, tfjs and torch.
 */

/** `step(batch, lr, stepIndex)`: lr finite and ≥ 0, stepIndex a 1-based integer. */
export function checkStepArguments(lr: number, stepIndex: number): void {
  if (!(lr >= 0) || !Number.isFinite(lr)) throw new RangeError(`step ${stepIndex}: the learning rate must be a finite number >= 0, got ${lr}; check train.optimizer.lr and the LR schedule`);
  if (!Number.isInteger(stepIndex) || stepIndex < 1) throw new RangeError(`the step index is 1-based (torch's state['step']), got ${stepIndex}`);
}

/**
 * `setState(state)`: exactly the held state names, each with the held dtype and shape. `held` gives the session's
 * own form of a state tensor; `where` names the session in the message (e.g. "the torch session").
 */
export function checkNewState(
  state: ReadonlyMap<string, Tensor>,
  stateNames: readonly string[],
  held: (name: string) => { readonly dtype: DType; readonly shape: readonly number[] } | undefined,
  where = 'the session',
): void {
  const unknown = [...state.keys()].filter((k) => held(k) === undefined);
  if (unknown.length) throw new Error(`setState: ${unknown.map((k) => `"${k}"`).join(', ')} are not state of this program; state names: ${stateNames.join(', ')}`);
  for (const n of stateNames) {
    const t = state.get(n);
    const want = held(n)!;
    if (!t) throw new Error(`setState: no value for "${n}"; the state must hold every parameter, optimizer slot and buffer`);
    if (t.dtype !== want.dtype || !sameShape(t.shape, want.shape)) {
      throw new Error(`setState: "${n}" is ${t.dtype}${fmtShape(t.shape)} but ${where} holds ${want.dtype}${fmtShape(want.shape)}`);
    }
  }
}
