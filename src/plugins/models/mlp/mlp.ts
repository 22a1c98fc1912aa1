import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import { torchDefault, xavierUniform } from '../../../contracts/init.ts';
import type { Model } from '../../../contracts/model.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import { activate } from '../layers/activation.ts';

const ACTIVATIONS = ['tanh', 'sin', 'relu', 'sigmoid', 'gelu', 'softplus'] as const;

export const mlpParams = z
  .object({
    input: z.string().default('x').describe('name of the input value (rank 2: batch × features)'),
    output: z.string().default('y').describe('name of the output value'),
    outputs: z.array(z.string().min(1)).min(1).optional().describe('instead of output: one name per output channel, each a [batch, 1] value (a PINN names u and v in its equations)'),
    in_features: z.number().int().positive(),
    hidden: z.array(z.number().int().positive()).min(1),
    out_features: z.number().int().positive(),
    activation: z.enum(ACTIVATIONS).default('tanh'),
    init: z.enum(['torch', 'xavier']).default('torch'),
  })
  .strict();
export type MlpParams = z.infer<typeof mlpParams>;

class Mlp implements Model {
  constructor(private readonly p: MlpParams) {}

  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    const x = inputs[this.p.input];
    if (!x) throw new Error(`model mlp: no input named "${this.p.input}"; the data provides ${Object.keys(inputs).join(', ')}`);
    if (x.shape[x.shape.length - 1] !== this.p.in_features) {
      throw new Error(`model mlp: input "${x.name}" has ${x.shape[x.shape.length - 1]} features, config says in_features=${this.p.in_features}`);
    }
    const widths = [this.p.in_features, ...this.p.hidden, this.p.out_features];
    let h = x;
    for (let l = 0; l + 1 < widths.length; l++) {
      const [fanIn, fanOut] = [widths[l], widths[l + 1]];
      const wInit = this.p.init === 'xavier' ? xavierUniform(fanIn, fanOut) : torchDefault(fanIn);
      const bInit = this.p.init === 'xavier' ? { kind: 'zeros' as const } : torchDefault(fanIn);
      // Weights are stored [in, out] so the layer is a plain MatMul; the torch reference transposes by name.
      const w = params.declare(`layers.${l}.weight`, [fanIn, fanOut], wInit);
      const b = params.declare(`layers.${l}.bias`, [fanOut], bInit);
      h = g.add(g.matmul(h, w), b);
      if (l + 2 < widths.length) h = activate(g, h, this.p.activation);
    }
    const names = this.p.outputs;
    if (!names) return { [this.p.output]: h };
    if (names.length !== this.p.out_features) throw new Error(`model mlp: outputs names ${names.length} channels (${names.join(', ')}) but out_features is ${this.p.out_features}; give one name per channel`);
    return Object.fromEntries(names.map((name, j) => [name, g.slice(h, [j], [j + 1], [1])]));
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p };
  }
}

export const mlpModel: PluginDefinition<'model', MlpParams, Mlp> = {
  kind: 'model',
  name: 'mlp',
  description: 'Fully connected network (tanh/sin/relu/... between layers), the usual PINN trunk',
  params: mlpParams,
  create: (p) => new Mlp(p),
};
