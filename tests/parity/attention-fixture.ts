import { z } from 'zod';
import { rngFor } from '../../src/data/rng.ts';
import type { GraphBuilder, Value } from '../../src/graph/builder.ts';
import { torchDefault } from '../../src/contracts/init.ts';
import type { Model } from '../../src/contracts/model.ts';
import type { ParameterSet } from '../../src/contracts/parameters.ts';
import type { PluginDefinition } from '../../src/contracts/plugin.ts';
import { writeNpzExperiment } from './npz-experiment.ts';

const TOKENS = 4;
const WIDTH = 8;
const HEADS = 2;

/**
 * nn.MultiheadAttention written with MatMul/Softmax/Reshape/Transpose, as torch computes it: one packed in_proj
 * (weight [3d, d] used transposed, bias [3d]), heads split by Reshape + Transpose, softmax(q·kᵀ/√dh)·v, then
 * out_proj and a linear head to one value per token. The key third of `att.in_proj_bias` adds the same number to
 * every score of a row, which softmax ignores: its gradient is exactly zero in exact arithmetic, and every engine
 * computes rounding noise for it (the case the float64 arbiter and the noise-level gradient rule are for).
 */
class TinyAttention implements Model {
  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    const dh = WIDTH / HEADS;
    const n = inputs.x.shape[0];
    const linear = (x: Value, name: string, fin: number, fout: number) =>
      g.add(g.matmul(x, g.transpose(params.declare(`${name}.weight`, [fout, fin], torchDefault(fin)), [1, 0])), params.declare(`${name}.bias`, [fout], torchDefault(fin)));
    const qkv = linear(inputs.x, 'att.in_proj', WIDTH, 3 * WIDTH);
    const heads = (part: number) => g.transpose(g.reshape(g.slice(qkv, [part * WIDTH], [(part + 1) * WIDTH], [2]), [n, TOKENS, HEADS, dh]), [0, 2, 1, 3]);
    const [q, k, v] = [heads(0), heads(1), heads(2)];
    const scores = g.mul(g.matmul(q, g.transpose(k, [0, 1, 3, 2])), g.scalar(1 / Math.sqrt(dh), q.dtype));
    const context = g.reshape(g.transpose(g.matmul(g.softmax(scores, -1), v), [0, 2, 1, 3]), [n, TOKENS, WIDTH]);
    return { y_hat: linear(g.tanh(linear(context, 'att.out_proj', WIDTH, WIDTH)), 'head', WIDTH, 1) };
  }

  effectiveSettings(): Record<string, unknown> {
    return {};
  }
}

export const tinyAttentionModel: PluginDefinition<'model', Record<string, never>, Model> = {
  kind: 'model',
  name: 'tiny-attention',
  description: 'test-only multi-head attention (parity: exactly-zero key-bias gradients)',
  params: z.object({}).strict(),
  create: () => new TinyAttention(),
};

/** The attention experiment (tiny-attention unless `model` names another `model:` section); returns the config path. */
export function writeAttentionExperiment(options: { steps?: number; model?: string } = {}): string {
  // 64 train and 16 validation samples: whole batches of 16, as a graph exported with a fixed batch size needs.
  const n = 80;
  const rng = rngFor(11, 'parity-attention');
  const x = new Float32Array(n * TOKENS * WIDTH).map(() => rng.normal());
  // Target: each token's first feature plus the mean of the sequence's second features (needs attention).
  const y = new Float32Array(n * TOKENS);
  for (let s = 0; s < n; s++) {
    let mean = 0;
    for (let t = 0; t < TOKENS; t++) mean += x[(s * TOKENS + t) * WIDTH + 1] / TOKENS;
    for (let t = 0; t < TOKENS; t++) y[s * TOKENS + t] = x[(s * TOKENS + t) * WIDTH] + mean;
  }
  const dims = ['batch', 'token', 'vector'];
  return writeNpzExperiment({
    name: 'attention',
    data: { x: { shape: [n, TOKENS, WIDTH], dims, data: x }, y: { shape: [n, TOKENS, 1], dims, data: y } },
    model: options.model ?? '{ name: tiny-attention, params: {} }',
    batchSize: 16,
    lr: 1e-2,
    parity: `{ trajectory_steps: ${options.steps ?? 10} }`,
  });
}
