import type { DType } from '../../graph/dtype.ts';
import type { Tensor } from '../../graph/tensor.ts';
import type { TrainingProgram } from '../../train/program.ts';
import type { Configured } from '../plugin.ts';

/**
 * The backend contract (specs/backend.md). A backend compiles a TrainingProgram into a Session that holds the
 * training state (parameters and optimizer slots) between steps. Anything a backend cannot serve (an op in a
 * dtype, a device) is refused at `compile`, naming the op or device, never worked around silently.
 */
export interface BackendCapabilities {
  readonly dtypes: readonly DType[];
  /** Devices this installation can actually run on right now (e.g. ['cpu'], or ['cpu', 'cuda']). */
  readonly devices: readonly string[];
  /** Ops the backend runs, per float dtype it refuses some in: ops listed are NOT available in that dtype. */
  readonly unsupported: Readonly<Partial<Record<DType, readonly string[]>>>;
}

export interface Backend extends Configured {
  readonly name: string;
  /** The float dtype the backend trains in (parameters, slots, float data). */
  readonly dtype: 'float32' | 'float64';
  capabilities(): BackendCapabilities;
  compile(program: TrainingProgram): Promise<Session>;
}

/** A batch as fed: data key → tensor (per-sample keys with their batch axis, constants whole). */
export type BatchFeed = ReadonlyMap<string, Tensor>;

export interface StepResult {
  readonly loss: number;
  /** Each loss term, unweighted, by term name. */
  readonly terms: Readonly<Record<string, number>>;
  /** The global gradient norm before clipping, when clipping is configured. */
  readonly gradNorm?: number;
}

export interface ForwardOptions {
  /** Names of intermediate graph values to return as well (parity bisection). */
  readonly extraOutputs?: readonly string[];
}

export interface GradientsResult extends StepResult {
  /** grad:<param> by parameter name. */
  readonly grads: ReadonlyMap<string, Tensor>;
}

/**
 * One compiled program with its state. Call order: `create` (via Backend.compile) → any of step / evaluate /
 * forward / gradients / getState / setState, in any order → `dispose` once. Nothing works after dispose.
 */
export interface Session {
  /** One optimizer update with learning rate `lr` as update number `stepIndex` (1-based, torch's state['step']). */
  step(batch: BatchFeed, lr: number, stepIndex: number): Promise<StepResult>;
  /** Loss and terms at the current state, without updating it (validation). Any batch size. */
  evaluate(batch: BatchFeed): Promise<StepResult>;
  forward(batch: BatchFeed, options?: ForwardOptions): Promise<Map<string, Tensor>>;
  gradients(batch: BatchFeed): Promise<GradientsResult>;
  /** Copies of the parameters and slots by state name (`<param>`, `<param>/<slot>`). */
  getState(): Map<string, Tensor>;
  /** Replaces the whole state; every state name must be present with its exact dtype and shape. */
  setState(state: ReadonlyMap<string, Tensor>): void;
  dispose(): Promise<void>;
}
