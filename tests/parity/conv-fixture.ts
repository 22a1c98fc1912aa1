import { z } from 'zod';
import { rngFor } from '../../src/data/rng.ts';
import type { GraphBuilder, Value } from '../../src/graph/builder.ts';
import { torchDefault } from '../../src/contracts/init.ts';
import type { Model } from '../../src/contracts/model.ts';
import type { ParameterSet } from '../../src/contracts/parameters.ts';
import type { PluginDefinition } from '../../src/contracts/plugin.ts';
import { writeNpzExperiment } from './npz-experiment.ts';

/**
 * A two-layer convnet experiment for the layout mutation (no conv model plugin ships yet): x [n, 1, 6, 6] →
 * Conv 3×3 (2 channels, pad 1) → tanh → Conv 3×3 (1 channel, pad 1) → y_hat, fitted to a fixed blur of x.
 * Kernels are 3×3 but NOT symmetric, so a swapped kernel layout changes the numbers.
 */
class TinyConv implements Model {
  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    const conv = (x: Value, name: string, cin: number, cout: number) =>
      g.op1('Conv', [x, params.declare(`${name}.weight`, [cout, cin, 3, 3], torchDefault(cin * 9)), params.declare(`${name}.bias`, [cout], torchDefault(cin * 9))], { pads: [1, 1, 1, 1] });
    return { y_hat: conv(g.tanh(conv(inputs.x, 'conv1', 1, 2)), 'conv2', 2, 1) };
  }

  effectiveSettings(): Record<string, unknown> {
    return {};
  }
}

export const tinyConvModel: PluginDefinition<'model', Record<string, never>, Model> = {
  kind: 'model',
  name: 'tiny-conv',
  description: 'test-only two-layer convnet (parity mutation suite)',
  params: z.object({}).strict(),
  create: () => new TinyConv(),
};

/** Writes the data file and the config into a fresh temporary folder; returns the config path. */
export function writeConvExperiment(): string {
  const n = 32;
  const rng = rngFor(7, 'parity-conv');
  const x = new Float32Array(n * 36).map(() => rng.normal());
  const y = new Float32Array(n * 36);
  // Target: a shifted average (an asymmetric stencil, so the fit needs an oriented kernel).
  for (let s = 0; s < n; s++) for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) {
    const at = (a: number, b: number) => (a >= 0 && a < 6 && b >= 0 && b < 6 ? x[s * 36 + a * 6 + b] : 0);
    y[s * 36 + i * 6 + j] = 0.5 * at(i, j) + 0.3 * at(i, j + 1) + 0.2 * at(i + 1, j);
  }
  const dims = ['batch', 'channel', 'y', 'x'];
  return writeNpzExperiment({
    name: 'convmut',
    data: { x: { shape: [n, 1, 6, 6], dims, data: x }, y: { shape: [n, 1, 6, 6], dims, data: y } },
    model: '{ name: tiny-conv, params: {} }',
    batchSize: 8,
    lr: 1e-2,
    parity: '{ backends: [onnxruntime], trajectory_steps: 4 }',
  });
}
