import * as ort from 'onnxruntime-node';
import type { DType } from '../../../graph/dtype.ts';
import type { Graph } from '../../../graph/ir.ts';
import { toOnnx } from '../../../graph/onnx/to-onnx.ts';
import { withTorchBatchNorm } from './torch-batch-norm.ts';
import { checkNewState, checkStepArguments } from '../session-checks.ts';
import { tensor, type Tensor } from '../../../graph/tensor.ts';
import { buildTrainingProgram, GRAD_NORM_OUTPUT, gradOutput, LOSS_OUTPUT, LR_INPUT, nextName, STEP_INPUT, termOutput, type TrainingProgram } from '../../../train/program.ts';
import { PACKED_STATE, packStepState, type PackedStep } from '../../../train/packed-state.ts';
import { selectOutputs } from '../../../train/select-outputs.ts';
import type { BatchFeed, ForwardOptions, GradientsResult, Session, StepResult } from '../../../contracts/backend.ts';
import { graphDataFeeds } from '../../../contracts/data-feeds.ts';

export interface OrtSessionOptions {
  readonly sessionOptions: ort.InferenceSession.SessionOptions;
  /** Says which backend/device a load failure came from. */
  readonly label: string;
}

type FloatArray = Float32Array | Float64Array;

/**
 * A TrainingProgram on onnxruntime-node. The state lives on the host in two flat buffers (A, B), each wrapped
 * once in ort.Tensors: the step graph runs packed (train/packed-state.ts: all state as one input and one output,
 * because onnxruntime-node's cost per bound tensor exceeds a small model's update arithmetic), reads A and ORT
 * writes the new state straight into B (a preallocated output, `session.run(feeds, fetches)`), then the roles
 * swap. So a step copies no parameter or slot: only the batch (wrapped, not copied, when its dtype already
 * matches) and two rank-0 scalars cross into ORT. The other graphs read the state tensors as views of the
 * current buffer.
 */
export class OrtSession implements Session {
  private readonly buffers: [FloatArray, FloatArray];
  /** Per state name, an ort.Tensor viewing its slice of buffer k (what the graphs other than the step read). */
  private readonly stateTensors: [Record<string, ort.Tensor>, Record<string, ort.Tensor>];
  private readonly packedTensors: [ort.Tensor, ort.Tensor];
  /** fetches[k]: where a step that reads set k writes (set 1−k), plus the loss outputs. */
  private readonly fetches: [Record<string, ort.Tensor | null>, Record<string, ort.Tensor | null>];
  private current: 0 | 1 = 0;
  private readonly lr: FloatArray;
  private readonly stepIndex: FloatArray;
  private readonly scalars: Record<string, ort.Tensor>;
  private readonly lazy = new Map<string, Promise<{ graph: Graph; session: ort.InferenceSession }>>();
  private disposed = false;

  private constructor(
    private readonly program: TrainingProgram,
    private readonly packed: PackedStep,
    private readonly stepSession: ort.InferenceSession,
    private readonly options: OrtSessionOptions,
  ) {
    const dtype = program.spec.dtype;
    const initial = program.initialState();
    this.buffers = [floatArray(dtype, packed.size), floatArray(dtype, packed.size)];
    for (const s of packed.slices) this.buffers[0].set(initial.get(s.name)!.data as FloatArray, s.offset);
    const wrap = (k: 0 | 1) => Object.fromEntries(packed.slices.map((s) => [s.name, new ort.Tensor(dtype, this.buffers[k].subarray(s.offset, s.offset + s.size), [...s.shape])]));
    this.stateTensors = [wrap(0), wrap(1)];
    this.packedTensors = [new ort.Tensor(dtype, this.buffers[0], [packed.size]), new ort.Tensor(dtype, this.buffers[1], [packed.size])];
    const lossFetches = Object.fromEntries(packed.graph.outputs.filter((o) => o.name !== nextName(PACKED_STATE)).map((o) => [o.name, null]));
    const fetchInto = (k: 0 | 1) => ({ [nextName(PACKED_STATE)]: this.packedTensors[k], ...lossFetches });
    this.fetches = [fetchInto(1), fetchInto(0)];
    this.lr = floatArray(dtype, 1);
    this.stepIndex = floatArray(dtype, 1);
    this.scalars = { [LR_INPUT]: new ort.Tensor(dtype, this.lr, []), [STEP_INPUT]: new ort.Tensor(dtype, this.stepIndex, []) };
  }

  static async create(program: TrainingProgram, options: OrtSessionOptions): Promise<OrtSession> {
    const packed = packStepState(program);
    return new OrtSession(program, packed, await loadSession(packed.graph, options), options);
  }

  async step(batch: BatchFeed, lr: number, stepIndex: number): Promise<StepResult> {
    this.live();
    checkStepArguments(lr, stepIndex);
    this.lr[0] = lr;
    this.stepIndex[0] = stepIndex;
    const k = this.current;
    const feeds = { [PACKED_STATE]: this.packedTensors[k], ...this.scalars, ...this.dataFeeds(this.packed.graph, batch) };
    const out = await this.stepSession.run(feeds, this.fetches[k]);
    this.current = k === 0 ? 1 : 0;
    return lossResult(this.program.terms, out);
  }

  async evaluate(batch: BatchFeed): Promise<StepResult> {
    const { graph, session } = await this.graphFor('evaluation', batchSizeOf(batch, this.program), (p) => p.graphs.evaluation);
    return lossResult(this.program.terms, await session.run(this.feedsFor(graph, batch)));
  }

  async forward(batch: BatchFeed, options: ForwardOptions = {}): Promise<Map<string, Tensor>> {
    const extra = options.extraOutputs ?? [];
    const names = [...this.program.outputs, ...extra.filter((e) => !this.program.outputs.includes(e))];
    const { graph, session } = await this.graphFor(`forward:${names.join('|')}`, batchSizeOf(batch, this.program), (p) =>
      selectOutputs(p.graphs.forward, names, `${p.graphs.forward.name}${extra.length ? '+extra' : ''}`),
    );
    const out = await session.run(this.feedsFor(graph, batch));
    return new Map(names.map((n) => [n, fromOrt(out[n])]));
  }

  async gradients(batch: BatchFeed): Promise<GradientsResult> {
    const { graph, session } = await this.graphFor('gradients', batchSizeOf(batch, this.program), (p) => p.graphs.gradients);
    const out = await session.run(this.feedsFor(graph, batch));
    const grads = new Map(this.program.params.map((p) => [p.name, fromOrt(out[gradOutput(p.name)])]));
    return { ...lossResult(this.program.terms, out), grads };
  }

  getState(): Map<string, Tensor> {
    this.live();
    const cur = this.stateTensors[this.current];
    return new Map(this.program.stateNames.map((n) => [n, tensor(cur[n].type as DType, cur[n].dims, cur[n].data as FloatArray)]));
  }

  setState(state: ReadonlyMap<string, Tensor>): void {
    this.live();
    const cur = this.stateTensors[this.current];
    checkNewState(state, this.program.stateNames, (n) => (n in cur ? { dtype: cur[n].type as DType, shape: cur[n].dims } : undefined));
    for (const n of this.program.stateNames) (cur[n].data as FloatArray).set(state.get(n)!.data as FloatArray);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.stepSession.release();
    for (const s of this.lazy.values()) await (await s).session.release();
  }

  /** A graph for another role or batch size, compiled on first use (validation batches differ in size). */
  private graphFor(role: string, batchSize: number, pick: (p: TrainingProgram) => Graph) {
    this.live();
    const key = `${role}@${batchSize}`;
    let entry = this.lazy.get(key);
    if (!entry) {
      const program = batchSize === this.program.batchSize ? this.program : buildTrainingProgram(this.program.spec, batchSize);
      const graph = pick(program);
      entry = loadSession(graph, this.options).then((session) => ({ graph, session }));
      entry.catch(() => this.lazy.delete(key));
      this.lazy.set(key, entry);
    }
    return entry;
  }

  private feedsFor(graph: Graph, batch: BatchFeed): Record<string, ort.Tensor> {
    const state = this.stateTensors[this.current];
    const feeds = this.dataFeeds(graph, batch);
    for (const i of graph.inputs) if (i.name in state) feeds[i.name] = state[i.name];
    return feeds;
  }

  /** The batch as ORT tensors: wrapped without a copy when the dtype matches, converted on the host otherwise. */
  private dataFeeds(graph: Graph, batch: BatchFeed): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of graphDataFeeds(graph, this.program, batch)) feeds[name] = new ort.Tensor(t.dtype, t.data as FloatArray, [...t.shape]);
    return feeds;
  }

  private live(): void {
    if (this.disposed) throw new Error('this onnxruntime session was disposed; compile the program again');
  }
}

async function loadSession(graph: Graph, options: OrtSessionOptions): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(toOnnx(withTorchBatchNorm(graph)), options.sessionOptions);
  } catch (e) {
    throw new Error(`${options.label}: onnxruntime could not load graph "${graph.name}": ${(e as Error).message}`);
  }
}

function lossResult(terms: readonly string[], out: ort.InferenceSession.ReturnType): StepResult {
  const scalar = (name: string) => Number((out[name].data as FloatArray)[0]);
  return {
    loss: scalar(LOSS_OUTPUT),
    terms: Object.fromEntries(terms.map((t) => [t, scalar(termOutput(t))])),
    ...(GRAD_NORM_OUTPUT in out ? { gradNorm: scalar(GRAD_NORM_OUTPUT) } : {}),
  };
}

function batchSizeOf(batch: BatchFeed, program: TrainingProgram): number {
  const perSample = program.dataInputs.find((i) => program.spec.inputs[i.name]?.perSample && batch.has(i.name));
  return perSample ? batch.get(perSample.name)!.shape[0] : program.batchSize;
}

function fromOrt(t: ort.Tensor): Tensor {
  return { dtype: t.type as DType, shape: [...t.dims], data: t.data as Tensor['data'] };
}

function floatArray(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}
