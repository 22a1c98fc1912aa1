import type { Graph } from '../../../graph/ir.ts';
import { toOnnx } from '../../../graph/onnx/to-onnx.ts';
import type { Tensor } from '../../../graph/tensor.ts';
import { type DerivativeTerm, fromWireAll, type OptionSection, type StateReply, type StepRecord, toWire, toWireAll } from './protocol.ts';
import { TorchProcess, type TorchProcessOptions } from './torch-process.ts';

type Feeds = Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>;

/** A graph loaded into the reference process, with the derivative terms torch fills in by autograd. */
export interface LoadedModel {
  readonly handle: string;
  readonly graph: Graph;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface TrainerConfig {
  /** Initial parameter values by graph input name. */
  readonly params: Feeds;
  /** Initial buffers by graph input name, each with the graph output that holds its value after a step. */
  readonly buffers?: { readonly initial: Feeds; readonly updates: Readonly<Record<string, string>> };
  /** The scalar output to minimise. */
  readonly loss: string;
  /** An optimizer section (src/train/optimizers/optimizer-options.ts, or `{name: 'lbfgs', ...}` torch kwargs). */
  readonly optimizer: OptionSection;
  /** An LR schedule section (src/train/schedules/schedule-options.ts); none means a constant LR. */
  readonly schedule?: OptionSection;
  readonly clip?: { readonly max_norm: number };
}

export interface TorchState {
  readonly params: Map<string, Tensor>;
  readonly slots: Map<string, Tensor>;
  readonly buffers: Map<string, Tensor>;
  readonly step: number;
  readonly lr: number;
}

/**
 * The primitives of the PyTorch reference over one Python process: run a graph, take gradients with
 * torch.autograd, train with torch.optim. Graphs are serialized with tandem's ONNX writer and executed by the
 * torch interpreter in reference/; each Graph object is loaded once per process.
 */
export class TorchReference {
  readonly process: TorchProcess;
  private readonly loaded = new WeakMap<Graph, Map<string, Promise<LoadedModel>>>();

  constructor(options: TorchProcessOptions | TorchProcess = {}) {
    this.process = options instanceof TorchProcess ? options : new TorchProcess(options);
  }

  /** Loads `graph` (once per graph object and term list). Values named by `derivatives` are computed by autograd. */
  load(graph: Graph, derivatives: readonly DerivativeTerm[] = []): Promise<LoadedModel> {
    const key = JSON.stringify(derivatives.map((d) => [d.name, d.of, d.wrt, d.seed ? Array.from(d.seed.data as ArrayLike<number>) : null]));
    let perGraph = this.loaded.get(graph);
    if (!perGraph) this.loaded.set(graph, (perGraph = new Map()));
    let m = perGraph.get(key);
    if (!m) {
      const graphB64 = Buffer.from(toOnnx(graph)).toString('base64');
      const wireTerms = derivatives.map((d) => ({ name: d.name, of: d.of, wrt: d.wrt, ...(d.seed ? { seed: toWire(d.seed) } : {}) }));
      m = this.process
        .request('load', { graph: graphB64, label: graph.name, derivatives: wireTerms }, ` of graph "${graph.name}"`)
        .then((r) => ({ handle: r.model, graph, inputs: r.inputs, outputs: r.outputs }));
      m.catch(() => perGraph.delete(key));
      perGraph.set(key, m);
    }
    return m;
  }

  /** Frees a graph in the Python process (every derivative-term variant of it); a later use loads it again. */
  async release(graph: Graph): Promise<void> {
    const perGraph = this.loaded.get(graph);
    if (!perGraph) return;
    this.loaded.delete(graph);
    for (const m of perGraph.values()) {
      const loaded = await m.catch(() => undefined);
      if (loaded) await this.process.request('release', { model: loaded.handle });
    }
  }

  /** Every graph output (or the values named in `fetch`, intermediate ones included) computed by torch. */
  async executeGraph(graph: Graph, feeds: Feeds, opts: { fetch?: readonly string[]; derivatives?: readonly DerivativeTerm[] } = {}): Promise<Map<string, Tensor>> {
    const m = await this.load(graph, opts.derivatives);
    const r = await this.process.request('run', { model: m.handle, feeds: toWireAll(feeds), ...(opts.fetch ? { fetch: opts.fetch } : {}) }, ` of graph "${graph.name}"`);
    return fromWireAll(r.outputs);
  }

  /** torch.autograd gradients of sum(`of`) w.r.t. the fed inputs `wrt`, plus the values named in `fetch`. */
  async gradients(
    graph: Graph,
    feeds: Feeds,
    of: string,
    wrt: readonly string[],
    opts: { fetch?: readonly string[]; derivatives?: readonly DerivativeTerm[] } = {},
  ): Promise<{ gradients: Map<string, Tensor>; outputs: Map<string, Tensor> }> {
    const m = await this.load(graph, opts.derivatives);
    const r = await this.process.request('gradients', { model: m.handle, feeds: toWireAll(feeds), of, wrt, ...(opts.fetch ? { fetch: opts.fetch } : {}) }, ` of graph "${graph.name}"`);
    return { gradients: fromWireAll(r.gradients), outputs: fromWireAll(r.outputs) };
  }

  /** A torch.optim trainer on a loaded model; one per model handle (a second call replaces the first). */
  async trainer(model: LoadedModel, config: TrainerConfig): Promise<TorchTrainer> {
    const r = await this.process.request(
      'train_init',
      {
        model: model.handle,
        params: toWireAll(config.params),
        ...(config.buffers ? { buffers: toWireAll(config.buffers.initial), buffer_updates: config.buffers.updates } : {}),
        loss: config.loss,
        optimizer: config.optimizer,
        ...(config.schedule ? { schedule: config.schedule } : {}),
        ...(config.clip ? { clip: config.clip } : {}),
      },
      ` of graph "${model.graph.name}"`,
    );
    return new TorchTrainer(this.process, model, toState(r));
  }

  dispose(): Promise<void> {
    return this.process.dispose();
  }
}

/** torch.optim stepping one loaded model: parameters, optimizer state and buffers live in the Python process. */
export class TorchTrainer {
  constructor(
    private readonly process: TorchProcess,
    readonly model: LoadedModel,
    /** The state right after construction (parameters as given, no slots yet). */
    readonly initial: TorchState,
  ) {}

  /** One update per batch (a trajectory in one round trip); each record holds the loss before its update. */
  async steps(batches: readonly Feeds[], opts: { advanceSchedule?: boolean } = {}): Promise<StepRecord[]> {
    const steps = batches.map((b) => ({ feeds: toWireAll(b), advance_schedule: opts.advanceSchedule ?? true }));
    const r = await this.process.request('train_steps', { model: this.model.handle, steps }, ` of graph "${this.model.graph.name}"`);
    return r.records;
  }

  async state(): Promise<TorchState> {
    return toState(await this.process.request('get_state', { model: this.model.handle }));
  }

  async setState(state: { params?: Feeds; slots?: Feeds; buffers?: Feeds; step?: number }): Promise<TorchState> {
    const r = await this.process.request('set_state', {
      model: this.model.handle,
      ...(state.params ? { params: toWireAll(state.params) } : {}),
      ...(state.slots ? { slots: toWireAll(state.slots) } : {}),
      ...(state.buffers ? { buffers: toWireAll(state.buffers) } : {}),
      ...(state.step !== undefined ? { step: state.step } : {}),
    });
    return toState(r);
  }
}

function toState(r: StateReply): TorchState {
  return { params: fromWireAll(r.params), slots: fromWireAll(r.slots), buffers: fromWireAll(r.buffers ?? {}), step: r.step, lr: r.lr };
}
