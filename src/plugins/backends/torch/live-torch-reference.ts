import { Graph } from '../../../graph/ir.ts';
import type { Tensor } from '../../../graph/tensor.ts';
import type { BatchFeed } from '../../../contracts/backend.ts';
import { castFeeds } from '../../../contracts/data-feeds.ts';
import { cutDerivatives } from '../../../contracts/derivative-terms.ts';
import { toWireAll } from './protocol.ts';
import { otherKernelsEnv } from './other-kernels.ts';
import { TorchReference } from './torch-reference.ts';
import { optimizerSection, trainerConfig, TorchSession } from './torch-session.ts';
import type { DerivativeRecord } from '../../../train/loss-scope.ts';
import type { TrainingProgram } from '../../../train/program.ts';
import { parseScheduleOptions } from '../../../train/schedules/schedule-options.ts';
import type { Reference, ReferenceRun, TrajectoryBatch, ReferenceTrainSettings, TrajectoryResult } from '../../../contracts/reference.ts';

/**
 * The live PyTorch reference: one Python process for the whole parity run (and, when a failed comparison asks the float64
 * arbiter for a second float32 sample, one more on other CPU kernels: otherKernels). Single-batch stages go through the
 * torch backend's Session (torch interprets the forward/loss graph, torch.autograd differentiates it,
 * torch.optim updates); the trajectory drives a torch.optim trainer whose torch.optim.lr_scheduler picks every
 * LR itself, so a schedule bug on our side cannot be mirrored on this one.
 */
export class LiveTorchReference implements Reference {
  readonly kind = 'live';
  readonly name = 'torch';
  private readonly ref: TorchReference;

  constructor(private readonly options: { python?: string; threads?: number; env?: Readonly<Record<string, string>> } = {}) {
    this.ref = new TorchReference({ threads: options.threads ?? 1, ...(options.python ? { python: options.python } : {}), ...(options.env ? { env: options.env } : {}) });
  }

  /** The same reference in a second Python process on other CPU kernels (other-kernels.ts). */
  otherKernels(): Reference {
    return new LiveTorchReference({ ...this.options, env: otherKernelsEnv() });
  }

  async versions(): Promise<Record<string, string>> {
    return { ...(await this.ref.process.versions()) };
  }

  async open(program: TrainingProgram, settings: ReferenceTrainSettings): Promise<ReferenceRun> {
    const session = await TorchSession.create(program, this.ref, false);
    return new LiveTorchRun(this.ref, session, program, settings);
  }

  dispose(): Promise<void> {
    return this.ref.dispose();
  }
}

class LiveTorchRun implements ReferenceRun {
  constructor(
    private readonly ref: TorchReference,
    private readonly session: TorchSession,
    private readonly program: TrainingProgram,
    private readonly settings: ReferenceTrainSettings,
  ) {}

  async initialParams(): Promise<Map<string, Tensor>> {
    // Read back from Python: the parameters a torch.optim trainer holds once given the initial ones.
    const { trainer, release } = await this.freshTrainer('init');
    const params = trainer.initial.params;
    await release();
    return params;
  }

  async forward(batch: BatchFeed, extraOutputs: readonly string[]): Promise<Map<string, Tensor>> {
    this.session.setState(this.program.initialState());
    return this.session.forward(batch, { extraOutputs });
  }

  async evaluate(batch: BatchFeed, state?: ReadonlyMap<string, Tensor>) {
    this.session.setState(state ?? this.program.initialState());
    return this.session.evaluate(batch);
  }

  async gradients(batch: BatchFeed) {
    this.session.setState(this.program.initialState());
    return this.session.gradients(batch);
  }

  async step(batch: BatchFeed) {
    this.session.setState(this.program.initialState());
    const result = await this.session.step(batch, optimizerSection(this.program).lr as number, 1);
    return { result, state: this.session.getState() };
  }

  readonly update = async (state: ReadonlyMap<string, Tensor>, batch: BatchFeed, lr: number, index: number) => {
    this.session.setState(state);
    const result = await this.session.step(batch, lr, index);
    return { result, state: this.session.getState() };
  };

  async trajectory(batches: readonly TrajectoryBatch[]): Promise<TrajectoryResult> {
    const { trainer, release } = await this.freshTrainer('trajectory', this.settings.schedule);
    const steps = batches.map((b) => ({
      feeds: toWireAll(castFeeds(this.program, b.feed)),
      advance_schedule: this.settings.scheduleInterval === 'step' || b.endOfEpoch,
    }));
    const r = await this.ref.process.request('train_steps', { model: trainer.model.handle, steps }, ` of graph "${trainer.model.graph.name}"`);
    const state = await trainer.state();
    await release();
    return { records: r.records.map((x) => ({ loss: x.loss, lr: x.lr })), state: new Map([...state.params, ...state.slots, ...state.buffers]) };
  }

  /**
   * A torch.optim trainer (with its own lr_scheduler when a schedule is given) on a private copy of the loss
   * graph, so it never replaces the session's trainer; released after use.
   */
  private async freshTrainer(purpose: string, schedule?: Readonly<Record<string, unknown>>) {
    const cut = cutDerivatives(this.program.graphs.loss, this.program.derivatives);
    const copy = new Graph(`${cut.name}.${purpose}`, cut.inputs, cut.outputs, cut.initializers, cut.nodes, cut.values);
    const model = await this.ref.load(copy, this.program.derivatives);
    const parsed = schedule ? parseScheduleOptions(schedule, 'train.schedule') : undefined;
    const trainer = await this.ref.trainer(model, { ...trainerConfig(this.program), ...(parsed ? { schedule: parsed as unknown as { name: string } } : {}) });
    return { trainer, release: async () => void (await this.ref.process.request('release', { model: model.handle })) };
  }

  readonly execute = async (graph: Graph, feeds: ReadonlyMap<string, Tensor>, fetch: readonly string[], derivatives: readonly DerivativeRecord[] = []) =>
    this.ref.executeGraph(graph, feeds, { fetch, derivatives });

  readonly autograd = async (graph: Graph, feeds: ReadonlyMap<string, Tensor>, of: string, wrt: readonly string[], derivatives: readonly DerivativeRecord[] = []) =>
    (await this.ref.gradients(graph, feeds, of, wrt, { derivatives })).gradients;

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
