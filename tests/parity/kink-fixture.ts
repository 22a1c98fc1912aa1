import { z } from 'zod';
import type { Backend } from '../../src/contracts/backend.ts';
import type { Model } from '../../src/contracts/model.ts';
import type { ParameterSet } from '../../src/contracts/parameters.ts';
import type { PluginDefinition } from '../../src/contracts/plugin.ts';
import type { GraphBuilder, Value } from '../../src/graph/builder.ts';
import { Graph, type Node } from '../../src/graph/ir.ts';
import { tensor } from '../../src/graph/tensor.ts';
import type { TrainingProgram } from '../../src/train/program.ts';
import { writeNpzExperiment } from './npz-experiment.ts';
import { replacingBackend, rewrittenGraphs } from './planted-backend.ts';

/**
 * A ReLU input planted a rounding away from its kink, for the kink rule (src/parity/judge-kinks.ts): x [n, 3] →
 * Gemm (3 units) → Relu → Gemm (1) → y_hat. Every sample's first two features are (0.5, 0.25), so the first unit
 * computes 0.5·0.75 + 0.25·(−0.5) + 0·x₃ + b, exactly 0.25 + b on every engine, with b the float32 nearest
 * −0.25 + 3e-7: the pre-activation is δ = 2.98e-7 > 0 on every sample, 1.25 float32 spacings of the tensor's
 * largest |value| (2.6). Every engine computes δ exactly, so a flip is planted by the backend wrappers below,
 * deterministically; the other units depend on x₃ and stay 0.27 or more from their kink.
 */
class KinkMlp implements Model {
  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    const f32 = (shape: number[], values: number[]) => tensor('float32', shape, Float32Array.from(values));
    const w1 = params.declareValues('fc1.weight', f32([3, 3], [0.75, -0.5, 0, 0.3, 0.8, 0.9, -0.6, 0.4, -1.1]));
    const b1 = params.declareValues('fc1.bias', f32([3], [-0.25 + 3e-7, 0.1, -0.2]));
    const w2 = params.declareValues('fc2.weight', f32([1, 3], [0.9, -0.7, 0.5]));
    const b2 = params.declareValues('fc2.bias', f32([1], [0.05]));
    const hidden = g.relu(g.gemm(inputs.x, w1, b1, { transB: 1 }));
    return { y_hat: g.gemm(hidden, w2, b2, { transB: 1 }) };
  }

  effectiveSettings(): Record<string, unknown> {
    return {};
  }
}

export const kinkMlpModel: PluginDefinition<'model', Record<string, never>, Model> = {
  kind: 'model',
  name: 'kink-mlp',
  description: 'test-only MLP with a ReLU input planted a rounding above its kink (parity kink rule)',
  params: z.object({}).strict(),
  create: () => new KinkMlp(),
};

/** 5 samples (4 train, a batch of 4), SGD: an update is lr·gradient, so a gradient that differs shows as it is. */
export function writeKinkExperiment(): string {
  return writeNpzExperiment({
    name: 'kink',
    data: {
      x: { shape: [5, 3], dims: ['batch', 'feature'], data: Float32Array.from([1.2, -0.8, 2.0, -1.5, 0.3].flatMap((x3) => [0.5, 0.25, x3])) },
      y: { shape: [5, 1], dims: ['batch', 'vector'], data: Float32Array.from([0.3, -0.2, 0.5, 0.1, 0.4]) },
    },
    model: '{ name: kink-mlp, params: {} }',
    batchSize: 4,
    lr: 0.1,
    optimizer: 'sgd',
    parity: '{ backends: [onnxruntime], trajectory_steps: 3 }',
  });
}

/**
 * onnxruntime flushing every ReLU input below 2⁻²¹ in magnitude to zero, in every graph it runs (its session's and
 * its executor's): a float engine that rounds near zero more coarsely than float32 (2⁻²¹ is 2 spacings at the
 * planted tensor's largest value), not a wrong op. It turns the planted δ into 0: off where float64 is on.
 */
export const flushingBackend = (inner: Backend) => reluInputsRewritten(inner, 'flush');

/** onnxruntime subtracting 10⁻³ from every ReLU input: a wrong forward, far beyond rounding, that also flips δ. */
export const shiftingBackend = (inner: Backend) => reluInputsRewritten(inner, 'shift');

function reluInputsRewritten(inner: Backend, how: 'flush' | 'shift'): Backend {
  const rewrite = (graph: Graph) => rewriteReluInputs(graph, how);
  return replacingBackend(inner, {
    executor: async (options) => {
      const executor = await inner.executor(options);
      return { run: (graph, feeds, opts) => executor.run(rewrite(graph), feeds, opts), dispose: () => executor.dispose() };
    },
    compile: (p: TrainingProgram) => inner.compile(rewrittenGraphs(p, rewrite)),
  });
}

/** The producer of each ReLU input writes to `<x>:raw`, and `<x>` becomes the flushed or shifted value. */
function rewriteReluInputs(graph: Graph, how: 'flush' | 'shift'): Graph {
  const targets = new Set(graph.nodes.filter((n) => n.op === 'Relu').map((n) => n.inputs[0]));
  const values = new Map(graph.values);
  const initializers = new Map(graph.initializers);
  const constant = (name: string, value: number) => {
    initializers.set(name, tensor('float32', [], [value]));
    values.set(name, { name, dtype: 'float32', shape: [] });
    return name;
  };
  const nodes = graph.nodes.flatMap((n): Node[] => {
    const x = n.outputs.find((o) => targets.has(o));
    if (!x) return [n];
    const raw = `${x}:raw`;
    const info = graph.value(x);
    const inner = (name: string) => (values.set(name, { ...info, name }), name);
    values.set(raw, { ...info, name: raw });
    const producer = { ...n, outputs: n.outputs.map((o) => (o === x ? raw : o)) };
    if (how === 'shift') return [producer, { name: `${x}:shift`, op: 'Sub', inputs: [raw, constant(`${x}:offset`, 1e-3)], outputs: [x], attrs: {} }];
    const [abs, small] = [inner(`${x}:abs`), `${x}:small`];
    values.set(small, { ...info, name: small, dtype: 'bool' });
    return [
      producer,
      { name: `${x}:abs`, op: 'Abs', inputs: [raw], outputs: [abs], attrs: {} },
      { name: `${x}:small`, op: 'Less', inputs: [abs, constant(`${x}:threshold`, 2 ** -21)], outputs: [small], attrs: {} },
      { name: `${x}:flush`, op: 'Where', inputs: [small, constant(`${x}:zero`, 0), raw], outputs: [x], attrs: {} },
    ];
  });
  return new Graph(graph.name, graph.inputs, graph.outputs, initializers, nodes, values);
}
