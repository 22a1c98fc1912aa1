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

export interface ExportModuleRequest {
  /** The python file (as the process may open it) and the factory in it that returns the nn.Module. */
  readonly file: string;
  readonly callable: string;
  readonly seed: number;
  /** The forward's arguments by name: one real batch. */
  readonly inputs: WireTensors;
  /** Names of the module's outputs when it returns a tensor or a tuple (a dict names its own). */
  readonly outputs: readonly string[];
}

export interface ExportModuleReply {
  /** base64 of the exported ModelProto; its initializers carry the module's parameter and buffer names. */
  readonly onnx: string;
  /** The graph's inputs (the forward's arguments, in order) and outputs. */
  readonly inputs: string[];
  readonly outputs: string[];
  /** The module's own values on the batch, by ONNX value name: inputs, outputs, each submodule's output. */
  readonly expected: WireTensors;
  /** ONNX value → `<submodule path> (<class>)` for the submodule outputs in `expected`. */
  readonly labels: Readonly<Record<string, string>>;
  /** The module's named_parameters() as initializers of the export: the values tandem trains. */
  readonly parameters: string[];
  /** Parameters the export does not read (forward never uses them): nothing to train. */
  readonly unused_parameters: string[];
  /** The module's named_buffers() as initializers of the export: constant (BatchNorm statistics are updated by training only once buffers exist). */
  readonly buffers: string[];
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
  /** Exports the user's nn.Module (reference/export_module.py): training mode, opset 17, dynamic batch axis. */
  export_module: { request: ExportModuleRequest; response: ExportModuleReply };
  shutdown: { request: object; response: object };
  /** The torch-module reference (reference/module_reference.py): the user's nn.Module, paired with the graph's tensors. */
  module_open: { request: ModuleOpenRequest; response: { readonly module: string; readonly bindings: readonly WeightBinding[] } };
  /** Every request on an open module starts from `state` (tandem names; default: the state it was opened with). */
  module_state: { request: ModuleRequest; response: { readonly params: WireTensors } };
  module_forward: { request: ModuleRequest & { readonly feeds: WireTensors }; response: { readonly outputs: WireTensors } };
  module_evaluate: { request: ModuleRequest & { readonly feeds: WireTensors; readonly fetch: readonly string[] }; response: { readonly outputs: WireTensors } };
  module_gradients: {
    request: ModuleRequest & { readonly feeds: WireTensors; readonly of: string; readonly fetch: readonly string[] };
    response: { readonly outputs: WireTensors; readonly gradients: WireTensors };
  };
  module_train: {
    request: ModuleRequest & { readonly loss: string; readonly optimizer: OptionSection; readonly schedule?: OptionSection; readonly clip?: { readonly max_norm: number }; readonly steps: readonly TrainStep[] };
    response: { readonly records: StepRecord[]; readonly params: WireTensors; readonly slots: WireTensors };
  };
  /** Forward hooks on every submodule (and, with `of`, backward hooks: the gradient of `of` w.r.t. each output). */
  module_capture: { request: ModuleRequest & { readonly feeds: WireTensors; readonly of?: string }; response: { readonly submodules: readonly SubmoduleCapture[] } };
}

export interface ModuleOpenRequest {
  readonly file: string;
  readonly callable: string;
  readonly seed: number;
  readonly dtype: 'float32' | 'float64';
  /** The graph's trainable parameters and buffers, by tandem name: the module is loaded with these. */
  readonly params: WireTensors;
  readonly buffers: WireTensors;
  /** The forward graph's float initializers (what a freeze kept constant): paired by name only, kept frozen. */
  readonly constants: WireTensors;
  readonly weights_map?: WeightsMap;
  /** How errors name the map (its file). */
  readonly map_label?: string;
  /** The data inputs the module's forward takes, in order, and the model outputs it returns, in order. */
  readonly forward_inputs: readonly string[];
  /** The graph's training-mode Dropout masks (`<node>/mask`): applied by the module's paired nn.Dropout, not passed to forward. */
  readonly dropout_masks: readonly string[];
  readonly model_outputs: readonly string[];
  /** The loss head's input for each model output (the value the output names). */
  readonly output_values: readonly string[];
  /** tandem's loss graph cut at the model outputs (ONNX, base64), and its input-derivative holes. */
  readonly head: string;
  readonly label: string;
  readonly derivatives: readonly WireDerivativeTerm[];
}

/** parity.weights.map as Python reads it: regex renames (graph name → module name), then per-tensor axes. */
export interface WeightsMap {
  readonly rename: readonly { readonly pattern: string; readonly replacement: string }[];
  readonly tensors: Readonly<Record<string, { readonly transpose?: boolean; readonly permute?: readonly number[] }>>;
}

export interface ModuleRequest {
  readonly module: string;
  readonly state?: WireTensors;
}

/** How a graph tensor was paired with a module tensor; `permute`: module = graph.permute(permute). */
export interface WeightBinding {
  readonly tandem: string;
  readonly module: string;
  readonly how: 'name' | 'value' | 'map';
  readonly permute?: readonly number[];
}

export interface SubmoduleCapture {
  /** The module path (`layer1.0.conv1`) and class name. */
  readonly path: string;
  readonly class: string;
  readonly inputs: readonly WireTensor[];
  /** The output (the first tensor of a tuple); null when it is not a tensor. */
  readonly output: WireTensor | null;
  readonly grad_output?: WireTensor;
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
