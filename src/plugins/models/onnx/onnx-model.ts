import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { isFloat } from '../../../graph/dtype.ts';
import { onnx } from '../../../graph/onnx/generated/onnx.js';
import type { Shape } from '../../../graph/tensor.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { Model } from '../../../contracts/model.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import { namePattern, type NamePattern } from './name-patterns.ts';
import { declaredDtype, importGraph } from './import-graph.ts';
import { inChunks } from './fixed-batch.ts';
import { bakedBatch, decodeOnnx, prepareOnnx } from './prepare-onnx.ts';
import { findTies, type Tie } from './tied-initializers.ts';

const FLOAT_CODES = new Set([onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.DOUBLE]);

export const onnxModelParams = z
  .object({
    path: z.string().min(1).describe('the .onnx file (e.g. from torch.onnx.export, opset 11 to 17), relative to the working directory'),
    inputs: z.record(z.string(), z.string()).default({}).describe('ONNX graph input → data key; an input not listed binds to the data key of its own name'),
    outputs: z.record(z.string(), z.string()).default({}).describe('ONNX graph output → model output name (what the loss refers to); default: the ONNX name'),
    freeze: z.array(z.string()).default([]).describe('initializers to keep constant: globs (* any characters) or /regex/; every other float initializer is trained, except BatchNormalization running statistics: buffers in a training-mode export, constants in an eval-mode one'),
    tie: z.enum(['split', 'keep']).default('split').describe('an initializer the exporter shared between modules: split (each module trains its own copy, as it had) or keep (trained as one)'),
  })
  .strict();
export type OnnxModelParams = z.infer<typeof onnxModelParams>;

/**
 * Bring your own model (specs/bring-your-own-model.md): a user's ONNX file becomes the forward graph. Float
 * initializers become trainable parameters starting from the exported values; `freeze` keeps some constant.
 * tandem's autodiff differentiates the graph, so the model trains on every backend and against torch.
 */
class OnnxModel implements Model {
  private readonly bytes: Uint8Array;
  private readonly graphInputs: string[];
  private readonly frozen: NamePattern[];
  /** Initializers read as running statistics by inference-mode BatchNormalization: constants. */
  private readonly statistics: Set<string>;
  /** Initializers read as a Dropout's ratio: a hyperparameter of the file, never trained. */
  private readonly dropoutRatios: Set<string>;
  /** Initializers read as running statistics by training-mode BatchNormalization: buffers the step updates. */
  private readonly buffers: Set<string>;
  /** Float initializers of the file (and the copies of split ties), split by `freeze`. */
  private readonly trainable: string[];
  private readonly constants: string[];
  private readonly ties: Tie[];
  /** The batch size a static export baked into its graph (`x.view(8, -1)`); other batches run in chunks of it. */
  readonly fixedBatchSize: number | undefined;

  constructor(private readonly p: OnnxModelParams) {
    if (!existsSync(p.path)) throw new Error(`model onnx: no file at ${p.path} (model.params.path, relative to ${process.cwd()})`);
    this.bytes = readFileSync(p.path);
    const g = decodeOnnx(this.bytes, p.path).graph;
    const inits = new Set((g?.initializer ?? []).map((t) => t.name));
    this.graphInputs = (g?.input ?? []).map((v) => v.name ?? '').filter((n) => !inits.has(n));
    const unknown = Object.keys(p.inputs).filter((k) => !this.graphInputs.includes(k));
    if (unknown.length) throw new Error(`model onnx: model.params.inputs names ${unknown.map((k) => `"${k}"`).join(', ')}, but ${p.path} has graph inputs ${this.graphInputs.map((k) => `"${k}"`).join(', ')}`);
    const outs = (g?.output ?? []).map((v) => v.name ?? '');
    const unknownOut = Object.keys(p.outputs).filter((k) => !outs.includes(k));
    if (unknownOut.length) throw new Error(`model onnx: model.params.outputs names ${unknownOut.map((k) => `"${k}"`).join(', ')}, but ${p.path} has graph outputs ${outs.map((k) => `"${k}"`).join(', ')}`);
    this.frozen = p.freeze.map(namePattern);
    // BatchNormalization's mean and variance are the module's running statistics: torch keeps them out of
    // autograd. A training-mode export updates them every step (buffers); an eval-mode one keeps them constant.
    const batchNorms = (g?.node ?? []).filter((n) => n.opType === 'BatchNormalization');
    const updates = (n: onnx.INodeProto) => (n.attribute ?? []).some((a) => a.name === 'training_mode' && Number(a.i) === 1) && (n.output ?? []).length === 3;
    this.buffers = new Set(batchNorms.filter(updates).flatMap((n) => (n.input ?? []).slice(3, 5)).filter((name) => inits.has(name)));
    this.statistics = new Set(batchNorms.flatMap((n) => (n.input ?? []).slice(3, 5)).filter((name) => !this.buffers.has(name)));
    this.dropoutRatios = new Set((g?.node ?? []).filter((n) => n.opType === 'Dropout' && n.input?.[1]).map((n) => n.input![1]));
    const inFile = (g?.initializer ?? []).filter((t) => FLOAT_CODES.has(t.dataType ?? 0)).map((t) => t.name ?? '');
    this.ties = findTies(g ?? {}, inFile);
    this.fixedBatchSize = bakedBatch(g ?? {});
    if (this.ties.length) {
      const list = this.ties.map((t) => `${t.initializer} (also ${t.copies.join(', ')})`).join('; ');
      console.warn(`model onnx: ${p.path} shares ${this.ties.length} initializer${this.ties.length > 1 ? 's' : ''} between modules: ${list}. ` +
        (p.tie === 'split' ? 'Each module trains its own copy (model.params.tie=keep trains them as one).' : 'They train as one (model.params.tie=keep).'));
    }
    const floats = p.tie === 'split' ? [...inFile, ...this.ties.flatMap((t) => t.copies)] : inFile;
    const idle = this.frozen.filter((f) => !floats.some((n) => f.test(n)));
    if (idle.length) {
      throw new Error(`model onnx: freeze pattern${idle.length > 1 ? 's' : ''} ${idle.map((f) => f.text).join(', ')} match${idle.length > 1 ? '' : 'es'} no float initializer of ${p.path}; they are ${floats.join(', ') || '(none)'}`);
    }
    this.constants = floats.filter((n) => !this.buffers.has(n) && this.isFrozen(n));
    this.trainable = floats.filter((n) => !this.buffers.has(n) && !this.isFrozen(n));
  }

  private isFrozen(name: string): boolean {
    return this.statistics.has(name) || this.dropoutRatios.has(name) || this.frozen.some((f) => f.test(name));
  }

  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    const bound = new Map<string, Value>();
    for (const name of this.graphInputs) {
      const key = this.p.inputs[name] ?? name;
      const v = inputs[key];
      if (!v) throw new Error(`model onnx: graph input "${name}" of ${this.p.path} is bound to data key "${key}", which the data does not provide (it has ${Object.keys(inputs).join(', ')}); set model.params.inputs.${name}`);
      bound.set(name, v);
    }
    try {
      return this.importInto(g, bound, params);
    } catch (e) {
      // Whatever stops the import is about the user's file: bad input (exit 2), named by the path.
      const message = (e as Error).message;
      throw new OnnxImportError(message.startsWith('model onnx:') ? message : `model onnx: ${this.p.path}: ${message}`, { cause: e });
    }
  }

  private importInto(g: GraphBuilder, bound: ReadonlyMap<string, Value>, params: ParameterSet): Record<string, Value> {
    const n = [...bound.values()][0]?.shape[0] ?? 1;
    const declared = new Map<string, Value>();
    const fixed = this.fixedBatchSize;
    const outputs =
      fixed === undefined || fixed === n
        ? this.importOnce(g, bound, params, declared, '')
        : inChunks(g, bound, n, fixed, (chunk, k) => this.importOnce(g, chunk, params, declared, k ? `chunk${k}/` : ''));
    return Object.fromEntries([...outputs].map(([name, v]) => [this.p.outputs[name] ?? name, v]));
  }

  private importOnce(g: GraphBuilder, bound: ReadonlyMap<string, Value>, params: ParameterSet, declared: Map<string, Value>, prefix: string): Map<string, Value> {
    const { graph, opset } = prepareOnnx(this.bytes, new Map([...bound].map(([k, v]): [string, Shape] => [k, v.shape])), this.p.path, this.p.tie === 'split' ? this.ties : []);
    for (const i of graph.input as onnx.ValueInfoProto[]) {
      const v = bound.get(i.name);
      const declaredType = declaredDtype(i);
      if (v && declaredType && v.dtype !== declaredType && !(isFloat(v.dtype) && isFloat(declaredType))) {
        throw new Error(`model onnx: graph input "${i.name}" of ${this.p.path} is ${declaredType}, but data key "${v.name}" is ${v.dtype}`);
      }
    }
    return importGraph(g, graph, bound, params, { file: this.p.path, opset, isTrainable: (name) => !this.isFrozen(name), isBuffer: (name) => this.buffers.has(name), declared, prefix });
  }

  effectiveSettings(): Record<string, unknown> {
    const tied = Object.fromEntries(this.ties.map((t) => [t.initializer, t.copies]));
    return { ...this.p, resolved: { trainable: this.trainable, frozen: this.constants, buffers: [...this.buffers], tied } };
  }
}

/** A model file tandem cannot import: the user's input, so the CLI exits 2 (specs/config-handshake.md §9). */
class OnnxImportError extends Error {
  readonly exitCode = 2;
}

export const onnxModel: PluginDefinition<'model', OnnxModelParams, OnnxModel> = {
  kind: 'model',
  name: 'onnx',
  description: 'Your own model from an .onnx file (torch.onnx.export): initializers train, `freeze` keeps some constant',
  params: onnxModelParams,
  create: (p) => new OnnxModel(p),
};
