import type { BatchFeed, GradientsResult, StepResult } from '../../../contracts/backend.ts';
import { castFeeds } from '../../../contracts/data-feeds.ts';
import type { Reference, ReferenceRun, ReferenceTrainSettings, SubmoduleRecord, TrajectoryBatch, TrajectoryResult } from '../../../contracts/reference.ts';
import { isFloat } from '../../../graph/dtype.ts';
import { toOnnx } from '../../../graph/onnx/to-onnx.ts';
import type { Tensor } from '../../../graph/tensor.ts';
import { LOSS_OUTPUT, termOutput, type TrainingProgram } from '../../../train/program.ts';
import { parseScheduleOptions } from '../../../train/schedules/schedule-options.ts';
import { lossHead } from './loss-head.ts';
import { fromWire, fromWireAll, type OptionSection, type StepRecord, toWire, toWireAll, type TorchMessages, type TorchKind, type WeightsMap, type WireTensors } from './protocol.ts';
import { ModuleReferenceError, TorchReferenceError } from './torch-errors.ts';
import type { TorchProcess } from './torch-process.ts';
import { TorchReference } from './torch-reference.ts';
import { optimizerSection } from './torch-session.ts';
import { readWeightsMap } from './weights-map.ts';

export interface ModuleReferenceOptions {
  /** The python file (absolute, or relative to the working directory) and the factory in it. */
  readonly file: string;
  readonly callable: string;
  /** How messages name the reference: `torch-module:<file as written>:<factory>`. */
  readonly label: string;
  /** parity.weights.map, resolved, and as written (for messages). */
  readonly weightsMap?: { readonly path: string; readonly label: string };
  readonly python?: string;
  readonly threads?: number;
  /** A process to share (tests open several modules in one); default: a new one, ended by dispose(). */
  readonly process?: TorchProcess;
}

/**
 * The user's own nn.Module as the parity reference (issue: a port can differ from the graph in ways that
 * graph-vs-graph parity cannot see). One Python process; the module's forward computes the model outputs,
 * tandem's loss graph cut at them (loss-head.ts) the loss, torch.autograd the gradients and torch.optim the
 * updates, from tandem's initial tensors loaded into the module (reference/module_weights.py pairs them).
 * specs/torch-reference.md "The torch-module reference".
 */
export class ModuleTorchReference implements Reference {
  readonly kind = 'live';
  readonly name: string;
  private readonly ref: TorchReference;
  private readonly map?: WeightsMap;

  constructor(private readonly options: ModuleReferenceOptions) {
    this.name = options.label;
    this.map = options.weightsMap ? readWeightsMap(options.weightsMap.path) : undefined;
    this.ref = new TorchReference(options.process ?? { threads: options.threads ?? 1, ...(options.python ? { python: options.python } : {}) });
  }

  async versions(): Promise<Record<string, string>> {
    return { ...(await this.ref.process.versions()) };
  }

  async prepare(program: TrainingProgram): Promise<void> {
    const handle = await this.openModule(program);
    await this.ref.process.request('release', { model: handle });
  }

  async open(program: TrainingProgram, settings: ReferenceTrainSettings): Promise<ReferenceRun> {
    return new ModuleTorchRun(this.ref, await this.openModule(program), program, settings);
  }

  dispose(): Promise<void> {
    return this.ref.dispose();
  }

  /** Loads the module in the Python process and pairs it with the program's tensors; a usage error if it cannot. */
  private async openModule(program: TrainingProgram): Promise<string> {
    let head;
    try {
      head = lossHead(program);
    } catch (e) {
      throw new ModuleReferenceError(`parity.reference "${this.name}": ${(e as Error).message}`);
    }
    const init = program.initialState();
    const params = new Set(program.params.map((p) => p.name));
    const buffers = program.buffers.map((b) => b.name);
    const forward = program.graphs.forward;
    const masks = program.dropoutMasks.map((m) => m.name);
    try {
      const r = await this.ref.process.request(
        'module_open',
        {
          file: this.options.file,
          callable: this.options.callable,
          seed: program.spec.seed,
          dtype: program.spec.dtype,
          params: toWireAll(new Map([...params].map((p) => [p, init.get(p)!]))),
          buffers: toWireAll(new Map(buffers.map((b) => [b, init.get(b)!]))),
          constants: toWireAll(new Map([...forward.initializers].filter(([, t]) => isFloat(t.dtype) && t.shape.length > 0))),
          ...(this.map ? { weights_map: this.map, map_label: `parity.weights.map "${this.options.weightsMap!.label}"` } : {}),
          forward_inputs: forward.inputs.map((i) => i.name).filter((n) => !params.has(n) && !buffers.includes(n) && !masks.includes(n)),
          dropout_masks: masks,
          model_outputs: [...program.outputs],
          output_values: head.outputValues,
          head: Buffer.from(toOnnx(head.graph)).toString('base64'),
          label: head.graph.name,
          derivatives: program.derivatives.map((d) => ({ name: d.name, of: d.of, wrt: d.wrt, ...(d.seed ? { seed: toWire(d.seed) } : {}) })),
        },
        ` of ${this.name}`,
      );
      return r.module;
    } catch (e) {
      // What the loader and the pairing raise on purpose is a sentence for the user already.
      if (e instanceof TorchReferenceError && e.failure === 'python-error' && e.pythonMessage) {
        const frame = e.lastFrame && !e.pythonMessage.includes('File "') && !e.message.includes('RequestError:') ? ` (at ${e.lastFrame})` : '';
        throw new ModuleReferenceError(`parity.reference "${this.name}": ${e.pythonMessage}${frame}`);
      }
      throw e;
    }
  }
}

class ModuleTorchRun implements ReferenceRun {
  constructor(
    private readonly ref: TorchReference,
    private readonly module: string,
    private readonly program: TrainingProgram,
    private readonly settings: ReferenceTrainSettings,
  ) {}

  private request<K extends TorchKind>(kind: K, body: Omit<TorchMessages[K]['request'], 'module'>): Promise<TorchMessages[K]['response']> {
    return this.ref.process.request(kind, { module: this.module, ...body } as TorchMessages[K]['request'], ` of the torch module`);
  }

  private feeds(batch: BatchFeed): WireTensors {
    return toWireAll(castFeeds(this.program, batch));
  }

  async initialParams(): Promise<Map<string, Tensor>> {
    return fromWireAll((await this.request('module_state', {})).params);
  }

  async forward(batch: BatchFeed): Promise<Map<string, Tensor>> {
    // The module has no graph intermediates: localization goes by submodule (`submodules`), not by value name.
    return fromWireAll((await this.request('module_forward', { feeds: this.feeds(batch) })).outputs);
  }

  async evaluate(batch: BatchFeed, state?: ReadonlyMap<string, Tensor>): Promise<StepResult> {
    const r = await this.request('module_evaluate', { feeds: this.feeds(batch), fetch: this.lossNames(), ...(state ? { state: toWireAll(state) } : {}) });
    return this.scalars(fromWireAll(r.outputs));
  }

  async gradients(batch: BatchFeed): Promise<GradientsResult> {
    const r = await this.request('module_gradients', { feeds: this.feeds(batch), of: LOSS_OUTPUT, fetch: this.lossNames() });
    return { ...this.scalars(fromWireAll(r.outputs)), grads: fromWireAll(r.gradients) };
  }

  async step(batch: BatchFeed) {
    const lr = optimizerSection(this.program).lr as number;
    const r = await this.request('module_train', { ...this.training(), steps: [{ feeds: this.feeds(batch), lr, step_index: 1, advance_schedule: false }] });
    return { result: this.record(r.records[0]), state: new Map([...fromWireAll(r.params), ...fromWireAll(r.slots)]) };
  }

  async trajectory(batches: readonly TrajectoryBatch[]): Promise<TrajectoryResult> {
    const parsed = this.settings.schedule ? parseScheduleOptions(this.settings.schedule, 'train.schedule') : undefined;
    const steps = batches.map((b) => ({ feeds: this.feeds(b.feed), advance_schedule: this.settings.scheduleInterval === 'step' || b.endOfEpoch }));
    const r = await this.request('module_train', { ...this.training(), ...(parsed ? { schedule: parsed as unknown as OptionSection } : {}), steps });
    return { records: r.records.map((x) => ({ loss: x.loss, lr: x.lr })), state: new Map([...fromWireAll(r.params), ...fromWireAll(r.slots)]) };
  }

  readonly submodules = async (batch: BatchFeed, gradients: boolean): Promise<SubmoduleRecord[]> => {
    const r = await this.request('module_capture', { feeds: this.feeds(batch), ...(gradients ? { of: LOSS_OUTPUT } : {}) });
    return r.submodules.map((s) => ({
      path: s.path,
      className: s.class,
      inputs: s.inputs.map(fromWire),
      ...(s.output ? { output: fromWire(s.output) } : {}),
      ...(s.grad_output ? { gradOutput: fromWire(s.grad_output) } : {}),
    }));
  };

  async dispose(): Promise<void> {
    await this.ref.process.request('release', { model: this.module }).catch(() => undefined);
  }

  private training() {
    return { loss: LOSS_OUTPUT, optimizer: optimizerSection(this.program), ...(this.program.spec.clip ? { clip: this.program.spec.clip } : {}) };
  }

  private lossNames(): string[] {
    return [LOSS_OUTPUT, ...this.program.terms.map(termOutput)];
  }

  private scalars(values: ReadonlyMap<string, Tensor>): StepResult {
    const num = (n: string) => Number(values.get(n)!.data[0]);
    return { loss: num(LOSS_OUTPUT), terms: Object.fromEntries(this.program.terms.map((t) => [t, num(termOutput(t))])) };
  }

  private record(r: StepRecord): StepResult {
    return { loss: r.values[LOSS_OUTPUT] ?? r.loss, terms: Object.fromEntries(this.program.terms.map((t) => [t, r.values[termOutput(t)]])), ...(r.grad_norm !== null ? { gradNorm: r.grad_norm } : {}) };
  }
}
