import type { Graph } from '../graph/ir.ts';
import type { Tensor } from '../graph/tensor.ts';
import type { BatchFeed, GradientsResult, StepResult } from './backend.ts';
import type { DerivativeRecord } from '../train/loss-scope.ts';
import type { TrainingProgram } from '../train/program.ts';

/** One batch of a parity trajectory, in the order the trainer draws them. */
export interface TrajectoryBatch {
  readonly feed: BatchFeed;
  readonly epoch: number;
  /** The last batch of its epoch: where an epoch-interval schedule advances. */
  readonly endOfEpoch: boolean;
}

/**
 * The side every backend is compared against. Live (the PyTorch reference process) or recorded (a baseline
 * folder). Every call starts from the program's initial state unless it says otherwise, so stages never leak
 * state into each other.
 */
export interface Reference {
  readonly kind: 'live' | 'recorded';
  readonly name: string;
  versions(): Promise<Record<string, string>>;
  /** Recorded references: where the baseline lives and the hashes it was recorded with. */
  readonly baseline?: { readonly path: string; readonly configHash: string; readonly graphHash: string; readonly recordedAt: string };
  /** The reference's view of one program (the unmodified program of the experiment, in one dtype). */
  open(program: TrainingProgram, settings: ReferenceTrainSettings): Promise<ReferenceRun>;
  /**
   * Checks, before a parity run writes anything, that the reference can serve `program` (the torch-module
   * reference loads the user's module and pairs its weights); throws a usage error (exit 2) saying what to fix.
   */
  prepare?(program: TrainingProgram): Promise<void>;
  /**
   * The same reference whose float32 arithmetic rounds differently (torch on another CPU kernel set): the float64
   * arbiter's second float32 run, a second sample of the reference's rounding. The caller disposes it.
   */
  otherKernels?(): Reference;
  dispose(): Promise<void>;
}

/** One submodule of a reference module as its hooks saw it (torch-module reference: first-divergence by submodule). */
export interface SubmoduleRecord {
  /** The module path, `layer1.0.conv1`; torch's exporter scopes its nodes `/layer1/layer1.0/conv1/`. */
  readonly path: string;
  readonly className: string;
  readonly inputs: readonly Tensor[];
  /** Its output (the first tensor of a tuple); absent when it returned no tensor. */
  readonly output?: Tensor;
  /** d loss / d output (backward hooks), when asked for. */
  readonly gradOutput?: Tensor;
}

export interface ReferenceTrainSettings {
  /** The config's train.schedule (torch lr_scheduler kwargs), or undefined for a constant LR. */
  readonly schedule?: Readonly<Record<string, unknown>>;
  readonly scheduleInterval: 'epoch' | 'step';
}

export interface TrajectoryResult {
  /** Per update: the loss before it and the LR it used. */
  readonly records: readonly { readonly loss: number; readonly lr: number }[];
  /** Parameters and slots after the last update. */
  readonly state: Map<string, Tensor>;
}

export interface ReferenceRun {
  /** Parameters as the reference holds them once given the initial state. */
  initialParams(): Promise<Map<string, Tensor>>;
  forward(batch: BatchFeed, extraOutputs: readonly string[]): Promise<Map<string, Tensor>>;
  evaluate(batch: BatchFeed, state?: ReadonlyMap<string, Tensor>): Promise<StepResult>;
  gradients(batch: BatchFeed): Promise<GradientsResult>;
  /** One update from the initial state with the optimizer's LR as update 1; the state after it. */
  step(batch: BatchFeed): Promise<{ readonly result: StepResult; readonly state: Map<string, Tensor> }>;
  /** Updates from the initial state, with the reference's OWN schedule deciding every LR. */
  trajectory(batches: readonly TrajectoryBatch[]): Promise<TrajectoryResult>;
  /**
   * Update number `index` (1-based, as the backend's step input) with `lr` from any `state` (parameters and slots,
   * in the program's dtype): the float64 arbiter judges a trajectory update by update from the backend's own states
   * (src/parity/update-walk.ts). Live references only: a recording holds no answer for states it never saw.
   */
  readonly update?: (state: ReadonlyMap<string, Tensor>, batch: BatchFeed, lr: number, index: number) => Promise<{ readonly result: StepResult; readonly state: Map<string, Tensor> }>;
  /**
   * Values of a graph the reference executes (first-divergence localization), `derivatives` filled as holes by
   * its autograd. A recorded baseline answers only for the graphs and feeds it recorded, and otherwise throws
   * LocalizationUnavailable saying why.
   */
  readonly execute?: (graph: Graph, feeds: ReadonlyMap<string, Tensor>, fetch: readonly string[], derivatives?: readonly DerivativeRecord[]) => Promise<Map<string, Tensor>>;
  /** d sum(of) / d wrt by the reference's own autograd (adjoint probes); recorded baselines as for `execute`. */
  /**
   * The reference module's submodules in the order they finished, with their inputs and output on `batch` from
   * the initial state, and with `gradients` the loss gradient w.r.t. each output. Only a module reference has them.
   */
  readonly submodules?: (batch: BatchFeed, gradients: boolean) => Promise<SubmoduleRecord[]>;
  readonly autograd?: (graph: Graph, feeds: ReadonlyMap<string, Tensor>, of: string, wrt: readonly string[], derivatives?: readonly DerivativeRecord[]) => Promise<Map<string, Tensor>>;
  dispose(): Promise<void>;
}
