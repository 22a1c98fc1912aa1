import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../../graph/ir.ts';
import { checkNewState, checkStepArguments } from '../session-checks.ts';
import { tensor, type Tensor } from '../../../graph/tensor.ts';
import { buildTrainingProgram, GRAD_NORM_OUTPUT, gradOutput, LOSS_OUTPUT, LR_INPUT, nextName, STEP_INPUT, termOutput, type TrainingProgram } from '../../../train/program.ts';
import type { BatchFeed, ForwardOptions, GradientsResult, Session, StepResult } from '../../../contracts/backend.ts';
import { graphDataFeeds } from '../../../contracts/data-feeds.ts';
import { fromTf, toTf } from './convert.ts';
import { CompiledGraph, type Feed } from './interpreter.ts';
import { activateTfjs, type TfjsDevice } from './runtime.ts';

/**
 * A TrainingProgram on TensorFlow.js, run by tandem's interpreter (never tfjs autograd: the gradients and the
 * optimizer update are ordinary nodes of the step graph). Parameters, optimizer slots and buffers stay tfjs tensors
 * between steps: a step feeds them as they are, takes the `/next` outputs as the new state and disposes the
 * old, so only the batch and two scalars are uploaded and only the loss scalars are read back.
 */
export class TfjsSession implements Session {
  private state: Map<string, tf.Tensor>;
  private readonly compiled = new Map<string, CompiledGraph>();
  private disposed = false;

  private constructor(
    private readonly program: TrainingProgram,
    private readonly device: TfjsDevice,
  ) {
    this.state = new Map([...program.initialState()].map(([n, t]) => [n, tf.keep(toTf(t, `initial state "${n}"`))]));
  }

  /** Compiles (and so checks) every program graph up front: a missing kernel or float64 fails here, naming the node. */
  static async create(program: TrainingProgram, device: TfjsDevice): Promise<TfjsSession> {
    await activateTfjs(device);
    const s = new TfjsSession(program, device);
    try {
      for (const role of ['step', 'evaluation', 'gradients', 'forward'] as const) s.graphFor(role, program.batchSize, (p) => p.graphs[role]);
    } catch (e) {
      await s.dispose();
      throw e;
    }
    return s;
  }

  async step(batch: BatchFeed, lr: number, stepIndex: number): Promise<StepResult> {
    await this.enter();
    checkStepArguments(lr, stepIndex);
    const graph = this.graphFor('step', this.program.batchSize, (p) => p.graphs.step);
    const dtype = this.program.spec.dtype;
    // Only the scalars the step graph reads: plain SGD and undampened momentum never read `step`, so it is pruned.
    const scalars: Record<string, number> = { [LR_INPUT]: lr, [STEP_INPUT]: stepIndex };
    const feeds: Record<string, Feed> = {
      ...this.stateFeeds(graph.graph),
      ...this.dataFeeds(graph.graph, batch),
      ...Object.fromEntries(graph.graph.inputs.filter((i) => i.name in scalars).map((i) => [i.name, tensor(dtype, [], [scalars[i.name]])])),
    };
    const out = graph.run(feeds);
    const next = new Map<string, tf.Tensor>();
    for (const n of this.program.stateNames) {
      next.set(n, out[nextName(n)]);
      delete out[nextName(n)];
    }
    try {
      return lossResult(this.program.terms, out);
    } finally {
      for (const t of Object.values(out)) t.dispose();
      for (const t of this.state.values()) t.dispose();
      this.state = next;
    }
  }

  async evaluate(batch: BatchFeed): Promise<StepResult> {
    await this.enter();
    const graph = this.graphFor('evaluation', this.batchSizeOf(batch), (p) => p.graphs.evaluation);
    const out = graph.run(this.feedsFor(graph.graph, batch));
    try {
      return lossResult(this.program.terms, out);
    } finally {
      for (const t of Object.values(out)) t.dispose();
    }
  }

  async forward(batch: BatchFeed, options: ForwardOptions = {}): Promise<Map<string, Tensor>> {
    await this.enter();
    const extra = (options.extraOutputs ?? []).filter((e) => !this.program.outputs.includes(e));
    const graph = this.graphFor('forward', this.batchSizeOf(batch), (p) => p.graphs.forward);
    // Extra outputs are values of the forward graph; the interpreter keeps them alive by name, no re-cut needed.
    const out = graph.execute(this.feedsFor(graph.graph, batch), extra);
    return new Map([...this.program.outputs, ...extra].map((n) => [n, out[n]]));
  }

  async gradients(batch: BatchFeed): Promise<GradientsResult> {
    await this.enter();
    const graph = this.graphFor('gradients', this.batchSizeOf(batch), (p) => p.graphs.gradients);
    const out = graph.execute(this.feedsFor(graph.graph, batch));
    const grads = new Map(this.program.params.map((p) => [p.name, out[gradOutput(p.name)]]));
    const scalar = (name: string): number => Number(out[name].data[0]);
    return {
      loss: scalar(LOSS_OUTPUT),
      terms: Object.fromEntries(this.program.terms.map((t) => [t, scalar(termOutput(t))])),
      grads,
    };
  }

  getState(): Map<string, Tensor> {
    this.live();
    return new Map(this.program.stateNames.map((n) => [n, fromTf(this.state.get(n)!, this.program.spec.dtype, `state "${n}"`)]));
  }

  setState(state: ReadonlyMap<string, Tensor>): void {
    this.live();
    const dtype = this.program.spec.dtype;
    checkNewState(state, this.program.stateNames, (n) => {
      const held = this.state.get(n);
      return held ? { dtype, shape: held.shape } : undefined;
    });
    const next = new Map(this.program.stateNames.map((n) => [n, tf.keep(toTf(state.get(n)!, `state "${n}"`))]));
    for (const t of this.state.values()) t.dispose();
    this.state = next;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.state.values()) t.dispose();
    this.state.clear();
    for (const g of this.compiled.values()) g.dispose();
    this.compiled.clear();
  }

  /** tfjs has one active backend per process; another tfjs session may have switched it, so switch back first. */
  private async enter(): Promise<void> {
    this.live();
    await activateTfjs(this.device);
  }

  /** A program graph for a role and batch size, compiled on first use (validation batches differ in size). */
  private graphFor(role: string, batchSize: number, pick: (p: TrainingProgram) => Graph): CompiledGraph {
    const key = `${role}@${batchSize}`;
    let g = this.compiled.get(key);
    if (!g) {
      const program = batchSize === this.program.batchSize ? this.program : buildTrainingProgram(this.program.spec, batchSize);
      g = CompiledGraph.compile(pick(program));
      this.compiled.set(key, g);
    }
    return g;
  }

  private stateFeeds(graph: Graph): Record<string, Feed> {
    const feeds: Record<string, Feed> = {};
    for (const i of graph.inputs) {
      const t = this.state.get(i.name);
      if (t) feeds[i.name] = t;
    }
    return feeds;
  }

  private feedsFor(graph: Graph, batch: BatchFeed): Record<string, Feed> {
    return { ...this.stateFeeds(graph), ...this.dataFeeds(graph, batch) };
  }

  /** The batch keys the graph reads; float data of another float dtype is converted on the host. */
  private dataFeeds(graph: Graph, batch: BatchFeed): Record<string, Feed> {
    return Object.fromEntries(graphDataFeeds(graph, this.program, batch));
  }

  private batchSizeOf(batch: BatchFeed): number {
    const p = this.program;
    const perSample = p.dataInputs.find((i) => p.spec.inputs[i.name]?.perSample && batch.has(i.name));
    return perSample ? batch.get(perSample.name)!.shape[0] : p.batchSize;
  }

  private live(): void {
    if (this.disposed) throw new Error('this tfjs session was disposed; compile the program again');
  }
}

function lossResult(terms: readonly string[], out: Record<string, tf.Tensor>): StepResult {
  const scalar = (name: string): number => out[name].dataSync()[0];
  return {
    loss: scalar(LOSS_OUTPUT),
    terms: Object.fromEntries(terms.map((t) => [t, scalar(termOutput(t))])),
    ...(GRAD_NORM_OUTPUT in out ? { gradNorm: scalar(GRAD_NORM_OUTPUT) } : {}),
  };
}
