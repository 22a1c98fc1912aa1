import { join, relative } from 'node:path';
import { z } from 'zod';
import { GraphBuilder, type Value } from '../../../graph/builder.ts';
import { tensor, type Tensor } from '../../../graph/tensor.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import type { Model, ModelPreparation } from '../../../contracts/model.ts';
import { ParameterSet } from '../../../contracts/parameters.ts';
import { writeFileAtomic } from '../../../util/atomic-write.ts';
import { SetupError } from '../../../util/setup-error.ts';
import { checkExportFidelity, DEFAULT_FIDELITY_TOLERANCE, fidelityTolerance } from '../onnx/export-fidelity.ts';
import { OnnxModel } from '../onnx/onnx-model.ts';
import { exportModule, parseModuleSpec, type ModuleSpec } from './export-module.ts';

/** The exported graph, kept in the run directory: what tandem trained, for the user to inspect or reuse. */
export const EXPORTED_FILE = 'torch-module.onnx';

export const torchModuleParams = z
  .object({
    module: z
      .string()
      .refine((s) => parseModuleSpec(s) !== undefined, 'write <python file>:<callable>, e.g. models/net.py:build (the callable returns an nn.Module)')
      .describe('<python file>:<callable that returns an nn.Module>; the file is relative to the config file'),
    inputs: z.record(z.string(), z.string()).refine((r) => Object.keys(r).length > 0, 'bind at least one forward argument, e.g. {x: x}').describe('forward argument → data key'),
    outputs: z.record(z.string(), z.string()).refine((r) => Object.keys(r).length > 0, 'name at least one output, e.g. {y_hat: y_hat}').describe("the module's output (the dict key it returns, or a name for a returned tensor, in order for a tuple) → model output name"),
    fidelity: fidelityTolerance.optional().describe('tolerance of the export-fidelity check; default rtol 1.3e-6, atol 1e-5 (parity\'s float32 forward tolerance)'),
  })
  .strict();
export type TorchModuleParams = z.infer<typeof torchModuleParams>;

/**
 * A PyTorch nn.Module as the model (specs/models.md "torch-module"): `prepare` exports it through a torch process
 * on the first real batch (training mode, opset 17), keeps the .onnx in the run directory, checks that the export
 * computes what the module computes (export-fidelity.ts), and then the graph is imported exactly as the `onnx`
 * model imports a file, with the module's named_parameters() as the trained parameters.
 */
class TorchModuleModel implements Model {
  private readonly spec: ModuleSpec;
  private imported?: OnnxModel;

  constructor(private readonly p: TorchModuleParams) {
    this.spec = parseModuleSpec(p.module)!;
  }

  async prepare({ batch, runDir, seed }: ModelPreparation): Promise<string> {
    const inputs = new Map(
      Object.entries(this.p.inputs).map(([arg, key]): [string, Tensor] => {
        const t = batch.get(key);
        if (!t) throw new SetupError(`model torch-module: model.params.inputs.${arg} names data key "${key}", which the data does not provide (it has ${[...batch.keys()].join(', ')})`);
        return [arg, asFloat32(t)];
      }),
    );
    const exported = await exportModule(this.spec, seed, inputs, Object.keys(this.p.outputs));
    const unknown = Object.keys(this.p.outputs).filter((o) => !exported.outputs.includes(o));
    if (unknown.length) throw new SetupError(`model torch-module: model.params.outputs names ${unknown.map((o) => `"${o}"`).join(', ')}, but ${this.p.module} returns ${exported.outputs.map((o) => `"${o}"`).join(', ')}`);
    const label = `the ONNX export of ${this.p.module}`;
    const fidelity = await checkExportFidelity({
      bytes: exported.bytes,
      file: label,
      expected: exported.expected,
      labels: new Map(Object.entries(exported.labels)),
      source: `the module ${this.p.module}`,
      tolerance: this.p.fidelity ?? DEFAULT_FIDELITY_TOLERANCE,
    });
    const parameters = new Set(exported.parameters);
    const file = join(runDir, EXPORTED_FILE);
    const imported = new OnnxModel({ path: file, inputs: {}, outputs: this.p.outputs, freeze: [], tie: 'keep' }, { bytes: exported.bytes, file: label, parameters });
    dryImport(imported, inputs, seed);
    this.imported = imported;
    // Written only once the export is known good and importable: a refused module leaves no graph behind.
    writeFileAtomic(file, exported.bytes);
    const shown = relative(process.cwd(), file);
    const unused = exported.unused_parameters.length ? `; parameters forward never reads, not trained: ${exported.unused_parameters.join(', ')}` : '';
    return `exported ${this.p.module} to ${shown} (${parameters.size} parameters, ${exported.buffers.length} buffers${unused}); ${fidelity}`;
  }

  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    if (!this.imported) throw new Error(`model torch-module: forward before prepare; the module ${this.p.module} is exported on the first batch (Model.prepare), which this caller did not run`);
    const bound = Object.fromEntries(
      Object.entries(this.p.inputs).map(([arg, key]) => {
        const v = inputs[key];
        if (!v) throw new SetupError(`model torch-module: model.params.inputs.${arg} names data key "${key}", which the program does not provide (it has ${Object.keys(inputs).join(', ')})`);
        return [arg, v];
      }),
    );
    return this.imported.forward(g, bound, params);
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p };
  }
}

/**
 * Imports the export once at the batch's shapes into a throwaway graph, so an op outside tandem's set or a shape
 * computed from values is refused here, before the export is kept, naming the module rather than an ONNX file.
 */
function dryImport(model: OnnxModel, inputs: ReadonlyMap<string, Tensor>, seed: number): void {
  const g = new GraphBuilder('torch-module');
  const values = Object.fromEntries([...inputs].map(([arg, t]) => [arg, g.input(arg, t.dtype, t.shape)]));
  try {
    model.forward(g, values, new ParameterSet(g, seed, 'float32'));
  } catch (e) {
    throw new SetupError(`model torch-module: ${(e as Error).message.replace(/^model onnx: /, '')}`);
  }
}

/** The module is float32 (as a factory builds it); a float64 batch (parity debugging) is exported in float32. */
function asFloat32(t: Tensor): Tensor {
  return t.dtype === 'float64' ? tensor('float32', t.shape, t.data as Float64Array) : t;
}

export const torchModuleModel: PluginDefinition<'model', TorchModuleParams, TorchModuleModel> = {
  kind: 'model',
  name: 'torch-module',
  description: 'Your own PyTorch nn.Module (<file>:<callable>): exported to ONNX on the first batch, checked against the module, trained on every backend',
  params: torchModuleParams,
  create: (p) => new TorchModuleModel(p),
  resolvePaths: (p, resolve) => {
    const { file, callable } = parseModuleSpec(p.module)!;
    return { ...p, module: `${resolve(file, 'module')}:${callable}` };
  },
};
