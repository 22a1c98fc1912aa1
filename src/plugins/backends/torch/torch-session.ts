import type { Graph } from '../../../graph/ir.ts';
import { checkNewState, checkStepArguments } from '../session-checks.ts';
import { tensor, type Tensor } from '../../../graph/tensor.ts';
import { buildTrainingProgram, LOSS_OUTPUT, nextName, stateKinds, termOutput, type StateKind, type TrainingProgram } from '../../../train/program.ts';
import type { BatchFeed, ForwardOptions, GradientsResult, Session, StepResult } from '../../../contracts/backend.ts';
import { graphDataFeeds } from '../../../contracts/data-feeds.ts';
import { cutDerivatives } from '../../../contracts/derivative-terms.ts';
import { fromWireAll, type OptionSection, type StepRecord, toWireAll } from './protocol.ts';
import type { LoadedModel, TorchReference, TrainerConfig } from './torch-reference.ts';

/**
 * A TrainingProgram on the PyTorch reference. Independent of tandem's autodiff and optimizers by construction:
 * - torch runs only the forward and loss graphs; input derivatives (PINNs) are holes it fills by autograd
 *   (see derivative-terms.ts), and parameter gradients come from torch.autograd;
 * - updates are torch.optim's (the optimizer section is passed through: its keys are torch's keyword arguments).
 * The state lives in Python; a mirror is kept here so getState/setState stay synchronous as the contract says.
 */
export class TorchSession implements Session {
  private mirror: Map<string, Tensor>;
  private pendingState = false;
  private disposed = false;
  private readonly byBatch = new Map<number, Promise<BatchModels>>();

  private constructor(
    private readonly program: TrainingProgram,
    private readonly ref: TorchReference,
    private readonly lossModel: LoadedModel,
    private readonly ownsProcess: boolean,
  ) {
    this.mirror = program.initialState();
  }

  /** Loads the program's loss graph and a torch.optim trainer with the program's initial parameters and buffers. */
  static async create(program: TrainingProgram, ref: TorchReference, ownsProcess = true): Promise<TorchSession> {
    const loss = await ref.load(cutDerivatives(program.graphs.loss, program.derivatives), program.derivatives);
    await ref.trainer(loss, trainerConfig(program));
    const session = new TorchSession(program, ref, loss, ownsProcess);
    session.byBatch.set(program.batchSize, loadEvaluation(ref, program, loss).then((evaluation) => ({ loss, evaluation, forward: program.graphs.forward })));
    return session;
  }

  async step(batch: BatchFeed, lr: number, stepIndex: number): Promise<StepResult> {
    this.live();
    checkStepArguments(lr, stepIndex);
    await this.flushState();
    const r = await this.ref.process.request(
      'train_steps',
      { model: this.lossModel.handle, steps: [{ feeds: toWireAll(graphDataFeeds(this.lossModel.graph, this.program, batch)), lr, step_index: stepIndex, advance_schedule: false }], return_state: true },
      ` of graph "${this.lossModel.graph.name}"`,
    );
    const returned = new Map([...fromWireAll(r.params ?? {}), ...fromWireAll(r.slots ?? {}), ...fromWireAll(r.buffers ?? {})]);
    for (const name of this.program.stateNames) {
      const t = returned.get(name);
      if (t) this.mirror.set(name, t);
    }
    return this.result(r.records[0]);
  }

  async evaluate(batch: BatchFeed): Promise<StepResult> {
    const { evaluation } = await this.models(batch);
    const fetch = [LOSS_OUTPUT, ...this.program.terms.map(termOutput)];
    const out = await this.run(evaluation, batch, fetch);
    return this.scalars((n) => out.get(n)!);
  }

  async forward(batch: BatchFeed, options: ForwardOptions = {}): Promise<Map<string, Tensor>> {
    const { forward } = await this.models(batch);
    const names = [...this.program.outputs, ...(options.extraOutputs ?? []).filter((e) => !this.program.outputs.includes(e))];
    const model = await this.ref.load(forward);
    return this.run(model, batch, names);
  }

  async gradients(batch: BatchFeed): Promise<GradientsResult> {
    const { loss } = await this.models(batch);
    await this.flushState();
    const params = this.program.params.map((p) => p.name);
    const r = await this.ref.process.request(
      'gradients',
      { model: loss.handle, feeds: toWireAll(graphDataFeeds(loss.graph, this.program, batch)), of: LOSS_OUTPUT, wrt: params, fetch: [LOSS_OUTPUT, ...this.program.terms.map(termOutput)], with_state: this.lossModel.handle },
      ` of graph "${loss.graph.name}"`,
    );
    const outputs = fromWireAll(r.outputs);
    const grads = fromWireAll(r.gradients);
    return { ...this.scalars((n) => outputs.get(n)!), grads: new Map(params.map((p) => [p, grads.get(p)!])) };
  }

  getState(): Map<string, Tensor> {
    this.live();
    return new Map([...this.mirror].map(([k, t]) => [k, tensor(t.dtype, t.shape, t.data as Float64Array)]));
  }

  setState(state: ReadonlyMap<string, Tensor>): void {
    this.live();
    checkNewState(state, [...this.mirror.keys()], (n) => this.mirror.get(n), 'the torch session');
    this.mirror = new Map([...this.mirror.keys()].map((n) => [n, tensor(state.get(n)!.dtype, state.get(n)!.shape, state.get(n)!.data as Float64Array)]));
    this.pendingState = true;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsProcess) return this.ref.dispose();
    // A session on a shared process (a parity reference run) frees its graphs there, or every run opened and
    // disposed (the float64 arbiter's) would leave its models loaded in Python until the process ends.
    for (const entry of this.byBatch.values()) {
      const models = await entry.catch(() => undefined);
      if (models) for (const graph of new Set([models.loss.graph, models.evaluation.graph])) await this.ref.release(graph);
    }
  }

  /** Sends a setState to Python before the next request that reads the state. */
  private async flushState(): Promise<void> {
    if (!this.pendingState) return;
    const kind = stateKinds(this.program);
    const pick = (k: StateKind) => toWireAll(new Map([...this.mirror].filter(([n]) => kind(n) === k)));
    await this.ref.process.request('set_state', { model: this.lossModel.handle, params: pick('param'), slots: pick('slot'), buffers: pick('buffer') });
    this.pendingState = false;
  }

  private async run(model: LoadedModel, batch: BatchFeed, fetch: readonly string[]): Promise<Map<string, Tensor>> {
    this.live();
    await this.flushState();
    const r = await this.ref.process.request('run', { model: model.handle, feeds: toWireAll(graphDataFeeds(model.graph, this.program, batch)), fetch, with_state: this.lossModel.handle }, ` of graph "${model.graph.name}"`);
    return fromWireAll(r.outputs);
  }

  /** The loss, evaluation and forward graphs for a batch size (validation batches differ), built and loaded on first use. */
  private models(batch: BatchFeed): Promise<BatchModels> {
    this.live();
    const perSample = this.program.dataInputs.find((i) => this.program.spec.inputs[i.name]?.perSample && batch.has(i.name));
    const size = perSample ? batch.get(perSample.name)!.shape[0] : this.program.batchSize;
    let entry = this.byBatch.get(size);
    if (!entry) {
      const program = buildTrainingProgram(this.program.spec, size);
      entry = this.ref
        .load(cutDerivatives(program.graphs.loss, program.derivatives), program.derivatives)
        .then(async (loss) => ({ loss, evaluation: await loadEvaluation(this.ref, program, loss), forward: program.graphs.forward }));
      entry.catch(() => this.byBatch.delete(size));
      this.byBatch.set(size, entry);
    }
    return entry;
  }

  private result(r: StepRecord): StepResult {
    return { ...this.scalars((n) => r.values[n]), ...(r.grad_norm !== null ? { gradNorm: r.grad_norm } : {}) };
  }

  private scalars(get: (name: string) => Tensor | number): StepResult {
    const num = (n: string) => {
      const v = get(n);
      return typeof v === 'number' ? v : Number(v.data[0]);
    };
    return { loss: num(LOSS_OUTPUT), terms: Object.fromEntries(this.program.terms.map((t) => [t, num(termOutput(t))])) };
  }

  private live(): void {
    if (this.disposed) throw new Error('this torch reference session was disposed; compile the program again');
  }
}

interface BatchModels {
  /** Training mode: gradients. */
  readonly loss: LoadedModel;
  /** Inference mode: evaluate. The same loaded model as `loss` when the program has no buffers. */
  readonly evaluation: LoadedModel;
  readonly forward: Graph;
}

/** The inference-mode loss graph, loaded; without buffers it is the loss graph itself, loaded once. */
function loadEvaluation(ref: TorchReference, program: TrainingProgram, loss: LoadedModel): Promise<LoadedModel> {
  if (program.graphs.evaluation === program.graphs.loss) return Promise.resolve(loss);
  return ref.load(cutDerivatives(program.graphs.evaluation, program.derivatives), program.derivatives);
}

/** A torch.optim trainer's settings for a program: its initial parameters and buffers, the loss, optimizer and clipping. */
export function trainerConfig(program: TrainingProgram): TrainerConfig {
  const init = program.initialState();
  const buffers = program.buffers.map((b) => b.name);
  return {
    params: new Map(program.params.map((p) => [p.name, init.get(p.name)!])),
    ...(buffers.length ? { buffers: { initial: new Map(buffers.map((b) => [b, init.get(b)!])), updates: Object.fromEntries(buffers.map((b) => [b, nextName(b)])) } } : {}),
    loss: LOSS_OUTPUT,
    optimizer: optimizerSection(program),
    ...(program.spec.clip ? { clip: program.spec.clip } : {}),
  };
}

/** The optimizer section as torch keyword arguments: tandem's option schemas use torch's names and defaults. */
export function optimizerSection(program: TrainingProgram): OptionSection {
  const opt = program.spec.optimizer as { readonly name: string; readonly options?: Record<string, unknown> };
  if (!opt.options) {
    throw new Error(`optimizer "${opt.name}" exposes no options object, so the torch reference cannot build the matching torch.optim optimizer`);
  }
  return { ...opt.options, name: opt.name };
}

