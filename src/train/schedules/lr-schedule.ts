/**
 * Host-side learning-rate schedules, ported from torch 1.13 `torch/optim/lr_scheduler.py` so that a trajectory
 * trained here and one trained by the PyTorch reference see the same LR at every step, bit for bit where the
 * arithmetic allows. The LR is fed to the train-step graph as an input; nothing here touches a graph.
 *
 * Call order, as in torch: use `lr` for optimizer step k, then call `step()` (or `step(metric)` for
 * ReduceLROnPlateau) once; `lr` is then the value for step k+1.
 */
export interface LrSchedule {
  readonly name: string;
  /** The LR the next optimizer step uses: torch's `optimizer.param_groups[0]['lr']` after the last `step()`. */
  readonly lr: number;
  /** Advances one scheduler step. `metric` is what ReduceLROnPlateau monitors; the other schedules ignore it. */
  step(metric?: number): void;
  /** Everything needed to continue the sequence after a restart: plain JSON, for checkpoint manifests. */
  state(): ScheduleState;
  /** Puts the schedule back where `state()` was taken. */
  restore(state: ScheduleState): void;
}

export type JsonValue = number | string | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };

export interface ScheduleState {
  readonly name: string;
  readonly [key: string]: JsonValue;
}

/**
 * torch keeps the LR in `optimizer.param_groups[i]['lr']` and every scheduler rewrites it in place ("chainable"
 * form). SequentialLR's children share one group, so the group is an object of its own here too.
 */
export class LrGroup {
  lr: number;
  constructor(readonly initialLr: number) {
    this.lr = initialLr;
  }
}

/** Reads a numeric field of a saved state, with an error that says which schedule and field were wrong. */
export function stateNumber(state: ScheduleState, key: string, expectedName: string): number {
  if (state.name !== expectedName) {
    throw new Error(`cannot restore a "${expectedName}" LR schedule from state saved by a "${state.name}" schedule; the checkpoint's schedule config differs from this run's`);
  }
  const v = state[key];
  if (typeof v !== 'number') {
    throw new Error(`saved "${expectedName}" LR schedule state has no numeric "${key}" (got ${JSON.stringify(v)}); the checkpoint manifest is damaged or from another version`);
  }
  return v;
}
