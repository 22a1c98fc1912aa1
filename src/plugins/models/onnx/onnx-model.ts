import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { isFloat, type DType } from '../../../graph/dtype.ts';
import type { AttrValue } from '../../../graph/ir.ts';
import { onnx } from '../../../graph/onnx/generated/onnx.js';
import { fromOnnx } from '../../../graph/onnx/from-onnx.ts';
import { tensor, type Shape, type Tensor } from '../../../graph/tensor.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { Model } from '../../../contracts/model.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import { namePattern, type NamePattern } from './name-patterns.ts';
import { prepareOnnx } from './prepare-onnx.ts';

const FLOAT_CODES = new Set([onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.DOUBLE]);

export const onnxModelParams = z
  .object({
    path: z.string().min(1).describe('the .onnx file (e.g. from torch.onnx.export, opset 11 to 17), relative to the working directory'),
    inputs: z.record(z.string(), z.string()).default({}).describe('ONNX graph input → data key; an input not listed binds to the data key of its own name'),
    outputs: z.record(z.string(), z.string()).default({}).describe('ONNX graph output → model output name (what the loss refers to); default: the ONNX name'),
    freeze: z.array(z.string()).default([]).describe('initializers to keep constant: globs (* any characters) or /regex/; every other float initializer is trained'),
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
  /** Float initializers of the file, split by `freeze`. */
  private readonly trainable: string[];
  private readonly constants: string[];

  constructor(private readonly p: OnnxModelParams) {
    if (!existsSync(p.path)) throw new Error(`model onnx: no file at ${p.path} (model.params.path, relative to ${process.cwd()})`);
    this.bytes = readFileSync(p.path);
    const g = onnx.ModelProto.decode(this.bytes).graph;
    const inits = new Set((g?.initializer ?? []).map((t) => t.name));
    this.graphInputs = (g?.input ?? []).map((v) => v.name ?? '').filter((n) => !inits.has(n));
    const unknown = Object.keys(p.inputs).filter((k) => !this.graphInputs.includes(k));
    if (unknown.length) throw new Error(`model onnx: model.params.inputs names ${unknown.map((k) => `"${k}"`).join(', ')}, but ${p.path} has graph inputs ${this.graphInputs.map((k) => `"${k}"`).join(', ')}`);
    const outs = (g?.output ?? []).map((v) => v.name ?? '');
    const unknownOut = Object.keys(p.outputs).filter((k) => !outs.includes(k));
    if (unknownOut.length) throw new Error(`model onnx: model.params.outputs names ${unknownOut.map((k) => `"${k}"`).join(', ')}, but ${p.path} has graph outputs ${outs.map((k) => `"${k}"`).join(', ')}`);
    this.frozen = p.freeze.map(namePattern);
    const floats = (g?.initializer ?? []).filter((t) => FLOAT_CODES.has(t.dataType ?? 0)).map((t) => t.name ?? '');
    const idle = this.frozen.filter((f) => !floats.some((n) => f.test(n)));
    if (idle.length) {
      throw new Error(`model onnx: freeze pattern${idle.length > 1 ? 's' : ''} ${idle.map((f) => f.text).join(', ')} match${idle.length > 1 ? '' : 'es'} no float initializer of ${p.path}; they are ${floats.join(', ') || '(none)'}`);
    }
    this.constants = floats.filter((n) => this.isFrozen(n));
    this.trainable = floats.filter((n) => !this.isFrozen(n));
  }

  private isFrozen(name: string): boolean {
    return this.frozen.some((f) => f.test(name));
  }

  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    const bound = new Map<string, Value>();
    for (const name of this.graphInputs) {
      const key = this.p.inputs[name] ?? name;
      const v = inputs[key];
      if (!v) throw new Error(`model onnx: graph input "${name}" of ${this.p.path} is bound to data key "${key}", which the data does not provide (it has ${Object.keys(inputs).join(', ')}); set model.params.inputs.${name}`);
      bound.set(name, v);
    }
    const graph = fromOnnx(prepareOnnx(this.bytes, new Map([...bound].map(([k, v]): [string, Shape] => [k, v.shape])), this.p.path));
    for (const i of graph.inputs) {
      const v = bound.get(i.name)!;
      if (v.dtype !== i.dtype && !(isFloat(v.dtype) && isFloat(i.dtype))) {
        throw new Error(`model onnx: graph input "${i.name}" of ${this.p.path} is ${i.dtype}, but data key "${v.name}" is ${v.dtype}`);
      }
    }

    const values = new Map(bound);
    for (const [name, t] of graph.initializers) {
      const trainable = isFloat(t.dtype) && !this.isFrozen(name);
      values.set(name, trainable ? params.declareValues(name, t) : g.constant(asDtype(t, params.dtype), name));
    }
    for (const n of graph.nodes) {
      const attrs: Record<string, AttrValue> = Object.fromEntries(Object.entries(n.attrs).map(([k, a]) => [k, isTensor(a) ? asDtype(a, params.dtype) : a]));
      const outs = g.op(n.op, n.inputs.map((v) => (v ? values.get(v)! : null)), attrs, { name: n.name, outputs: n.outputs.length });
      n.outputs.forEach((o, k) => o && values.set(o, outs[k]));
    }
    return Object.fromEntries(graph.outputs.map((o) => [this.p.outputs[o.name] ?? o.name, values.get(o.name)!]));
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p, resolved: { trainable: this.trainable, frozen: this.constants } };
  }
}

function isTensor(a: AttrValue): a is Tensor {
  return typeof a === 'object' && a !== null && 'dtype' in a && 'data' in a;
}

/** Float constants follow the program's float dtype (a float32 export trains in float64 for parity debugging). */
function asDtype(t: Tensor, dtype: DType): Tensor {
  if (!isFloat(t.dtype) || !isFloat(dtype) || t.dtype === dtype) return t;
  return tensor(dtype, t.shape, t.data as ArrayLike<number>);
}

export const onnxModel: PluginDefinition<'model', OnnxModelParams, OnnxModel> = {
  kind: 'model',
  name: 'onnx',
  description: 'Your own model from an .onnx file (torch.onnx.export): initializers train, `freeze` keeps some constant',
  params: onnxModelParams,
  create: (p) => new OnnxModel(p),
};
