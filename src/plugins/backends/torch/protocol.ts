import type { DType } from '../../../graph/dtype.ts';
import { allocate } from '../../../graph/dtype.ts';
import { sizeOf, type Tensor } from '../../../graph/tensor.ts';
import type { DerivativeRecord } from '../../../train/loss-scope.ts';

/**
 * The typed protocol between TypeScript and the PyTorch reference (reference/main.py), one JSON object per line
 * on stdin/stdout. Requests carry an `id` and a `kind`; each gets exactly one response with the same `id` and
 * `kind` and `ok`. Arrays travel inline as base64 of their raw little-endian bytes (`WireTensor`): one pipe, no
 * temp files to clean up, exact float64 round trips. specs/torch-reference.md "Protocol" documents every field.
 */
export const PROTOCOL_VERSION = 1;

export interface WireTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** base64 of the row-major little-endian bytes (bool as one byte per element). */
  readonly data: string;
}
export type WireTensors = Readonly<Record<string, WireTensor>>;

/**
 * One input derivative torch computes with autograd: d sum(of · seed) / d wrt (seed defaults to ones). `name`
 * is a hole of the loaded graph (an input no node computes); `of` may be an earlier term (second derivatives).
 */
export type DerivativeTerm = DerivativeRecord;

export interface WireDerivativeTerm extends Omit<DerivativeTerm, 'seed'> {
  readonly seed?: WireTensor;
}

/** torch.optim / lr_scheduler sections: tandem's option objects, whose keys are torch's keyword arguments. */
export type OptionSection = Readonly<{ name: string } & Record<string, unknown>>;

export interface StepRecord {
  /** The loss at the parameters before the update. */
  readonly loss: number;
  /** Every float scalar output of the graph (loss, loss:<term>) before the update. */
  readonly values: Readonly<Record<string, number>>;
  /** The learning rate the update used. */
  readonly lr: number;
  /** clip_grad_norm_'s total norm before clipping; null without clipping. */
  readonly grad_norm: number | null;
}

/** One update: its batch; optionally the LR to use and its 1-based index (a host-side schedule drives them). */
export interface TrainStep {
  readonly feeds: WireTensors;
  /** Advance torch's lr_scheduler after this update (default true). */
  readonly advance_schedule?: boolean;
  readonly lr?: number;
  readonly step_index?: number;
}

export interface StateReply {
  readonly params: WireTensors;
  /** `<param>/<slot>` by torch's optimizer.state keys (exp_avg, exp_avg_sq, momentum_buffer, ...). */
  readonly slots: WireTensors;
  /** Buffers (state the step updates but does not train, e.g. BatchNormalization running statistics) by name. */
  readonly buffers: WireTensors;
  readonly step: number;
  readonly lr: number;
}

/** Request and response fields per message kind. */
export interface TorchMessages {
  load: {
    request: { readonly graph: string; readonly label: string; readonly derivatives: readonly WireDerivativeTerm[] };
    response: { readonly model: string; readonly inputs: string[]; readonly outputs: string[] };
  };
  release: { request: { readonly model: string }; response: object };
  run: {
    /** `with_state`: a model handle whose trainer's current parameters and buffers are added to the feeds. */
    request: { readonly model: string; readonly feeds: WireTensors; readonly fetch?: readonly string[]; readonly with_state?: string };
    response: { readonly outputs: WireTensors };
  };
  gradients: {
    request: {
      readonly model: string;
      readonly feeds: WireTensors;
      readonly of: string;
      readonly wrt: readonly string[];
      readonly fetch?: readonly string[];
      readonly with_state?: string;
    };
    response: { readonly outputs: WireTensors; readonly gradients: WireTensors };
  };
  train_init: {
    request: {
      readonly model: string;
      readonly params: WireTensors;
      /** Initial buffers, and for each the graph output holding its value after a step (`<buffer>/next`). */
      readonly buffers?: WireTensors;
      readonly buffer_updates?: Readonly<Record<string, string>>;
      readonly loss: string;
      readonly optimizer: OptionSection;
      readonly schedule?: OptionSection;
      readonly clip?: { readonly max_norm: number };
    };
    response: StateReply;
  };
  train_steps: {
    request: { readonly model: string; readonly steps: readonly TrainStep[]; readonly return_state?: boolean };
    /** The state fields come only with `return_state`. */
    response: { readonly records: StepRecord[] } & Partial<StateReply>;
  };
  get_state: { request: { readonly model: string }; response: StateReply };
  set_state: {
    request: { readonly model: string; readonly params?: WireTensors; readonly slots?: WireTensors; readonly buffers?: WireTensors; readonly step?: number };
    response: StateReply;
  };
  shutdown: { request: object; response: object };
}

export type TorchKind = keyof TorchMessages;
/** Every request as it goes on the wire: a discriminated union on `kind`. */
export type TorchRequest = { [K in TorchKind]: { readonly id: number; readonly kind: K } & TorchMessages[K]['request'] }[TorchKind];

export interface PythonErrorInfo {
  readonly type: string;
  readonly message: string;
  /** `File "...", line N, in fn: source` of the frame that raised. */
  readonly last_frame: string;
  readonly traceback: string;
  /** For import failures: the module that is missing. */
  readonly missing?: string | null;
}

export type TorchResponse =
  | ({ readonly id: number; readonly kind: TorchKind; readonly ok: true } & Record<string, unknown>)
  | { readonly id: number; readonly kind: TorchKind; readonly ok: false; readonly error: PythonErrorInfo };

export type Hello =
  | { readonly kind: 'hello'; readonly ok: true; readonly protocol: number; readonly versions: Readonly<Record<'python' | 'torch' | 'onnx' | 'numpy', string>> }
  | { readonly kind: 'hello'; readonly ok: false; readonly error: PythonErrorInfo };

export function toWire(t: Tensor): WireTensor {
  const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return { dtype: t.dtype, shape: [...t.shape], data: bytes.toString('base64') };
}

export function fromWire(w: WireTensor): Tensor {
  // Copy into a fresh, aligned buffer: Buffer.from may return a view into Node's shared pool.
  const bytes = new Uint8Array(Buffer.from(w.data, 'base64'));
  const data = allocate(w.dtype, sizeOf(w.shape));
  if (bytes.byteLength !== data.byteLength) {
    throw new Error(`the PyTorch reference sent ${bytes.byteLength} bytes for a ${w.dtype} tensor of shape [${w.shape.join(', ')}], expected ${data.byteLength}`);
  }
  new Uint8Array(data.buffer).set(bytes);
  return { dtype: w.dtype, shape: [...w.shape], data };
}

export function toWireAll(ts: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>): Record<string, WireTensor> {
  const entries = ts instanceof Map ? [...ts] : Object.entries(ts);
  return Object.fromEntries(entries.map(([k, t]) => [k, toWire(t)]));
}

export function fromWireAll(ws: WireTensors): Map<string, Tensor> {
  return new Map(Object.entries(ws).map(([k, w]) => [k, fromWire(w)]));
}
