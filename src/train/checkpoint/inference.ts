import { DataError, DataNonFiniteError } from '../../data/errors.ts';
import { findNonFinite } from '../../data/non-finite.ts';
import type { NpzEntry } from '../../data/npz.ts';
import type { RawData } from '../../data/raw-data.ts';
import { isFloat, type DType } from '../../graph/dtype.ts';
import { fmtShape, sameShape } from '../../graph/shape-utils.ts';
import { tensor, type Tensor } from '../../graph/tensor.ts';
import type { Backend } from '../../contracts/backend.ts';
import type { PluginDefinition } from '../../contracts/plugin.ts';
import type { LossTermConfig } from '../losses/loss-kind.ts';
import { CheckpointError } from './checkpoint-error.ts';
import type { CheckpointManifest } from './manifest.ts';
import type { LoadedCheckpoint } from './read-checkpoint.ts';
import { forwardInChunks } from './chunked-forward.ts';
import { rebuildProgram, type BuildModel } from './rebuild-program.ts';

/** A request the checkpoint's model cannot serve as asked (rollout steps, the feed mapping): exit code 2. */
export class InferenceUsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InferenceUsageError';
  }
}

/** Autoregressive rollout: `steps` forward passes, each feeding model output `output` back as data input `input`. */
export interface RolloutOptions {
  readonly steps: number;
  /** Which output feeds which input; default: the model's only output into its only per-sample input. */
  readonly feed?: { readonly output: string; readonly input: string };
}

export interface InferenceRequest {
  readonly checkpoint: LoadedCheckpoint;
  /** The input arrays (an .npz as read), batch axis first; `source` names the file in errors. */
  readonly input: RawData;
  readonly backend: Backend;
  /** Where the model plugin named in the manifest is looked up. */
  readonly models: readonly PluginDefinition[];
  /** How a model plugin is constructed (with its read-back). */
  readonly buildModel: BuildModel;
  readonly rollout?: RolloutOptions;
}

export interface InferenceResult {
  /** Model outputs with their dims: [batch, ...] or, with a rollout, [batch, time, ...]. */
  readonly outputs: Map<string, NpzEntry>;
  readonly batch: number;
  /** The model's data inputs that were read from the input file. */
  readonly inputs: readonly string[];
  /** Sentences for the person about what was done to the input (a float64 array converted to float32). */
  readonly notices: readonly string[];
}

/**
 * `tandem infer` (specs/checkpoints.md §5): the model rebuilt from the checkpoint manifest alone, its trained
 * parameters set on `backend`, and the forward graph run on the whole input file as one batch. Inputs are
 * checked first (every model input present, per-sample shapes as trained, one batch size) so a mistake names the
 * key and the expected shape instead of failing inside a runtime.
 */
export async function runInference(request: InferenceRequest): Promise<InferenceResult> {
  const { checkpoint, input, backend, models, buildModel, rollout } = request;
  const { manifest, dir } = checkpoint;
  if (backend.dtype !== manifest.dtype) {
    throw new CheckpointError(`checkpoint ${dir} holds ${manifest.dtype} parameters but backend ${backend.name} runs ${backend.dtype}; choose a backend that runs ${manifest.dtype}`);
  }
  // A batch-1 build tells which data keys the forward graph reads (targets are not among them).
  const probe = await rebuildProgram(manifest, models, buildModel, 1, dir);
  const dataKeys = new Set(probe.dataInputs.map((i) => i.name));
  const modelInputs = probe.graphs.forward.inputs.map((i) => i.name).filter((n) => dataKeys.has(n));
  const { feed, batch, notices } = readInputs(manifest, modelInputs, input);
  const outputShape = (name: string) => probe.graphs.forward.outputs.find((o) => o.name === name)!.shape.slice(1);
  const mapping = rollout ? rolloutFeed(manifest, modelInputs, rollout, outputShape) : undefined;
  // A model with a fixed batch size runs at that size, the input cut into chunks of it (the last one padded).
  const fixed = probe.spec.model.fixedBatchSize;
  const built = fixed ?? batch;
  const program = built === 1 ? probe : await rebuildProgram(manifest, models, buildModel, built, dir);
  // Keys the forward graph does not read (loss targets) get zeros: a backend may feed every data input of the
  // program on each call (the torch reference does), and no output depends on them.
  for (const i of program.dataInputs) if (!feed.has(i.name)) feed.set(i.name, tensor(i.dtype, fixed !== undefined && i.shape[0] === fixed ? [batch, ...i.shape.slice(1)] : i.shape));
  const session = await backend.compile(program);
  try {
    try {
      session.setState(checkpoint.state);
    } catch (error) {
      throw new CheckpointError(`checkpoint ${dir} does not fit the model rebuilt from its manifest: ${(error as Error).message}`);
    }
    const steps: Map<string, Tensor>[] = [];
    for (let t = 0; t < (rollout?.steps ?? 1); t++) {
      const out = fixed === undefined ? await session.forward(feed) : await forwardInChunks(session, feed, batch, fixed);
      steps.push(out);
      if (mapping) feed.set(mapping.input, out.get(mapping.output)!);
    }
    const outputs = new Map<string, NpzEntry>();
    for (const name of program.outputs) {
      const per = steps.map((s) => s.get(name)!);
      const dims = outputDims(manifest, name, per[0].shape.slice(1), mapping);
      outputs.set(name, rollout ? { ...stackTime(per), dims: ['batch', 'time', ...dims] } : { ...per[0], dims: ['batch', ...dims] });
    }
    return { outputs, batch, inputs: modelInputs, notices };
  } finally {
    await session.dispose();
  }
}

/**
 * The model's inputs from the file, checked: present, shaped as trained, one batch size, finite (a prediction from
 * NaN or Inf is NaN, and exit 0 would hide it). A float array of the other float width is converted, and said so;
 * any other dtype is refused.
 */
function readInputs(manifest: CheckpointManifest, modelInputs: readonly string[], input: RawData): { feed: Map<string, Tensor>; batch: number; notices: string[] } {
  const file = input.source;
  const missing = modelInputs.filter((k) => !input.arrays.has(k));
  if (missing.length) {
    throw new DataError(
      `${file}: the model reads ${missing.map((k) => `"${k}"`).join(', ')}, which the file lacks (it holds ${[...input.arrays.keys()].map((k) => `"${k}"`).join(', ') || 'no arrays'}); the model's inputs are ${modelInputs.map((k) => `"${k}" ${describe(manifest, k)}`).join(', ')}`,
      file,
      missing[0],
    );
  }
  const feed = new Map<string, Tensor>();
  const notices: string[] = [];
  let batch: number | undefined;
  let batchKey = '';
  for (const key of modelInputs) {
    const a = input.arrays.get(key)!;
    const spec = manifest.inputs[key];
    const got = spec.perSample ? a.shape.slice(1) : a.shape;
    if ((spec.perSample && a.shape.length === 0) || !sameShape(got, spec.shape)) {
      throw new DataError(`${file}: "${key}" has shape ${fmtShape(a.shape)}, the model was trained on ${describe(manifest, key)}; reshape it (batch axis first)`, file, key);
    }
    if (spec.perSample) {
      if (batch !== undefined && a.shape[0] !== batch) throw new DataError(`${file}: "${key}" has ${a.shape[0]} samples but "${batchKey}" has ${batch}; every input needs the same batch size`, file, key);
      [batch, batchKey] = [a.shape[0], key];
    }
    const dtype = (isFloat(spec.dtype as DType) ? manifest.dtype : spec.dtype) as DType;
    if (a.dtype !== dtype && !(isFloat(dtype) && (a.dtype === 'float32' || a.dtype === 'float64'))) {
      throw new DataError(`${file}: "${key}" is ${a.dtype}, the model takes ${dtype}; convert the array to ${dtype}`, file, key);
    }
    const bad = findNonFinite({ ...a, dims: a.dims ?? [] });
    if (bad) {
      const dims = spec.perSample ? ['batch', ...spec.dims] : [...spec.dims];
      throw new DataNonFiniteError(file, key, dims, bad.index, bad.value, bad.count, 'A prediction from it would be non-finite too: clean the input (e.g. np.nan_to_num) first');
    }
    if (a.dtype !== dtype) notices.push(`${file}: "${key}" is ${a.dtype}, the model takes ${dtype}: converted to ${dtype}${dtype === 'float32' ? ' (rounded to float32 precision)' : ''}`);
    feed.set(key, a.dtype === dtype ? { dtype, shape: a.shape, data: a.data as Tensor['data'] } : tensor(dtype, a.shape, a.data as ArrayLike<number>));
  }
  if (batch === undefined || batch === 0) throw new DataError(`${file}: no samples: the per-sample inputs ${modelInputs.join(', ')} have a batch axis of size 0 or none`, file);
  return { feed, batch, notices };
}

function rolloutFeed(manifest: CheckpointManifest, modelInputs: readonly string[], rollout: RolloutOptions, outputShape: (name: string) => readonly number[]): { output: string; input: string } {
  if (!Number.isInteger(rollout.steps) || rollout.steps < 1) throw new InferenceUsageError(`--rollout takes a positive number of steps, got ${rollout.steps}`);
  const perSample = modelInputs.filter((k) => manifest.inputs[k].perSample);
  const feed = rollout.feed ?? (perSample.length === 1 && manifest.outputs.length === 1 ? { output: manifest.outputs[0], input: perSample[0] } : undefined);
  if (!feed) {
    throw new InferenceUsageError(`--rollout needs to know which output feeds which input: the model has outputs ${manifest.outputs.join(', ')} and per-sample inputs ${perSample.join(', ')}; pass --feed <output>:<input>`);
  }
  if (!manifest.outputs.includes(feed.output)) throw new InferenceUsageError(`--feed names output "${feed.output}"; the model's outputs are ${manifest.outputs.join(', ')}`);
  if (!perSample.includes(feed.input)) throw new InferenceUsageError(`--feed names input "${feed.input}"; the model's per-sample inputs are ${perSample.join(', ')}`);
  const [out, into] = [outputShape(feed.output), manifest.inputs[feed.input].shape];
  if (!sameShape(out, into)) {
    throw new InferenceUsageError(`--rollout cannot feed output "${feed.output}" (per sample ${fmtShape(out)}) back into input "${feed.input}" (per sample ${fmtShape(into)}): a rollout needs an output shaped like the input it replaces${rollout.feed ? '' : '; name a fitting pair with --feed <output>:<input>'}`);
  }
  return feed;
}

/** Dim names of one sample of an output: the fed input's, else the loss target's it is compared with, else generic. */
function outputDims(manifest: CheckpointManifest, output: string, shape: readonly number[], fed: { output: string; input: string } | undefined): string[] {
  const loss = ((manifest.config.train as { loss?: Record<string, LossTermConfig> }).loss ?? {}) as Record<string, { output?: string; target?: string }>;
  const target = Object.values(loss).find((t) => t.output === output && t.target !== undefined)?.target;
  for (const key of [fed?.output === output ? fed.input : undefined, target]) {
    const spec = key === undefined ? undefined : manifest.inputs[key];
    if (spec?.perSample && sameShape(spec.shape, shape)) return [...spec.dims];
  }
  return shape.map((_, i) => `axis${i + 1}`);
}

/** [batch, ...] per step → [batch, time, ...]. */
function stackTime(steps: readonly Tensor[]): Tensor {
  const [first] = steps;
  const [batch, ...rest] = first.shape;
  const row = first.data.length / batch;
  const out = tensor(first.dtype, [batch, steps.length, ...rest]);
  steps.forEach((s, t) => {
    for (let b = 0; b < batch; b++) (out.data as Float32Array).set((s.data as Float32Array).subarray(b * row, (b + 1) * row), (b * steps.length + t) * row);
  });
  return out;
}

function describe(manifest: CheckpointManifest, key: string): string {
  const s = manifest.inputs[key];
  return s.perSample ? `${s.dtype}[batch, ${s.shape.join(', ')}] (dims batch, ${s.dims.join(', ')})` : `${s.dtype}${fmtShape(s.shape)} (a constant)`;
}
