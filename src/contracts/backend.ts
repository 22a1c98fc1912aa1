import type { DType } from '../graph/dtype.ts';
import type { Graph } from '../graph/ir.ts';
import type { Tensor } from '../graph/tensor.ts';
import type { TrainingProgram } from '../train/program.ts';
import type { Configured } from './plugin.ts';

/**
 * The backend contract (specs/backend.md). A backend compiles a TrainingProgram into a Session that holds the
 * training state (parameters, optimizer slots and buffers) between steps, and opens a GraphExecutor that runs any other
 * graph (parity localization, conformance, inference, benchmarks). Anything a backend cannot serve (an op in a
 * dtype, a device) is refused at `compile` or `run`, naming the op or device, never worked around silently.
 */
export interface BackendCapabilities {
  readonly dtypes: readonly DType[];
  /** Devices this installation can actually run on right now (e.g. ['cpu'], or ['cpu', 'cuda']). */
  readonly devices: readonly string[];
  /** Ops the backend runs, per float dtype it refuses some in: ops listed are NOT available in that dtype. */
  readonly unsupported: Readonly<Partial<Record<DType, readonly string[]>>>;
  /**
   * ONNX node tests (by test name) this backend is known not to pass beyond tandem's own refusals, with the
   * status they get and why. `tandem conformance` expects exactly these and reports an entry that passes as stale.
   */
  readonly nodeTestGaps: ReadonlyMap<string, NodeTestGap>;
}

/** A node test a backend is expected not to pass: the status it must have, and why. */
export interface NodeTestGap {
  readonly status: 'fail' | 'unsupported' | 'error';
  readonly reason: string;
}

export interface Backend extends Configured {
  readonly name: string;
  /** The float dtype the backend trains in (parameters, slots, float data). */
  readonly dtype: 'float32' | 'float64';
  capabilities(): BackendCapabilities;
  compile(program: TrainingProgram): Promise<Session>;
  /** An executor for plain graphs on this backend, with the backend's settings (device, threads unless given). */
  executor(options?: ExecutorOptions): Promise<GraphExecutor>;
}

export interface ExecutorOptions {
  /** Intra-op threads for the runs (a backend without such a setting ignores it). */
  readonly threads?: number;
}

export interface ExecuteOptions {
  /** The values to return: graph outputs or intermediate values (default: every graph output). */
  readonly fetch?: readonly string[];
  /**
   * Called once per node executed, with its op type and wall time in ms (`tandem bench profile`). A backend that
   * runs a graph node by node (tfjs) times each node; ORT reports its own profiler's kernels (op types after its
   * fusions); one that hands the whole graph to another process (torch) does not call it.
   */
  readonly profile?: (op: string, ms: number) => void;
}

/**
 * Runs any graph, not only a training program's: feeds by input name (feeds the graph does not declare are
 * ignored), results by value name. Call `dispose` once when done (it ends a process or frees sessions).
 */
export interface GraphExecutor {
  run(graph: Graph, feeds: ReadonlyMap<string, Tensor>, options?: ExecuteOptions): Promise<Map<string, Tensor>>;
  dispose(): Promise<void>;
}

/** The feeds `graph` declares as inputs, as a record (what every executor hands its engine). */
export function ownFeeds(graph: Graph, feeds: ReadonlyMap<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries([...feeds].filter(([k]) => graph.inputs.some((i) => i.name === k)));
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
  /** Loss and terms at the current state in inference mode (running statistics), without updating it (validation). Any batch size. */
  evaluate(batch: BatchFeed): Promise<StepResult>;
  /** Model outputs in inference mode (as torch's model.eval()), plus any extra values asked for. */
  forward(batch: BatchFeed, options?: ForwardOptions): Promise<Map<string, Tensor>>;
  gradients(batch: BatchFeed): Promise<GradientsResult>;
  /** Copies of the parameters, slots and buffers by state name (`<param>`, `<param>/<slot>`, `<buffer>`). */
  getState(): Map<string, Tensor>;
  /** Replaces the whole state; every state name must be present with its exact dtype and shape. */
  setState(state: ReadonlyMap<string, Tensor>): void;
  dispose(): Promise<void>;
}
