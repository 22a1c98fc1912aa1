import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import { activate, type Activation } from '../layers/activation.ts';
import { convLayer, pointwise, type Padding } from '../layers/conv.ts';
import { fieldIoParams } from '../layers/field-io.ts';
import { FieldModel } from '../layers/field-model.ts';
import { downsample, upsample } from '../layers/sampling.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import { unetResolutionProblems } from './unet-resolution.ts';

export const unetParams = z
  .object({
    ...fieldIoParams,
    layout: fieldIoParams.layout.default('(x, vector)'),
    activation: fieldIoParams.activation.default('relu'),
    levels: z.int().min(1).default(3).describe('resolution levels; the grid is halved levels−1 times (HYCO-PhiFlow burgers_2d: 4)'),
    width: z.int().positive().default(16).describe('filters at every level, as PhiML u_net(filters=int) (HYCO-PhiFlow burgers_2d: 64)'),
    kernel: z.int().positive().default(3).describe('odd kernel size'),
  })
  .strict();
export type UnetParams = z.infer<typeof unetParams>;

/**
 * PhiML's u_net without batch norm: a double convolution per level, max-pool down, nearest-neighbour up,
 * the skip concatenated before each up-level's double convolution, and a 1×1 convolution to the output.
 */
export class Unet extends FieldModel<UnetParams> {
  constructor(p: UnetParams) {
    super('unet', p);
  }

  protected override gridProblem(spatial: readonly number[]): string | undefined {
    const problems = unetResolutionProblems(spatial, this.p.levels);
    return problems.length > 0 ? `${problems.join('; ')}. Change the data resolution or model.params.levels.` : undefined;
  }

  apply(g: GraphBuilder, params: ParameterSet, x: Value, outChannels: number): Value {
    const { levels, width, kernel, padding, activation } = this.p;
    this.checkGrid(`input "${x.name}"`, x.shape.slice(2));
    const double = (name: string, v: Value): Value => doubleConv(g, params, name, v, { out: width, kernel, padding, activation });
    const skips: Value[] = [double('inc', x)];
    for (let i = 1; i < levels; i++) skips.push(double(`down.${i - 1}`, downsample(g, skips[i - 1])));
    let h = skips[levels - 1];
    for (let i = levels - 2; i >= 0; i--) h = double(`up.${i}`, g.concat([upsample(g, h), skips[i]], 1));
    return pointwise(g, params, 'outc', h, outChannels);
  }
}

function doubleConv(g: GraphBuilder, params: ParameterSet, name: string, x: Value, s: { out: number; kernel: number; padding: Padding; activation: Activation }): Value {
  const conv = { out: s.out, kernel: s.kernel, padding: s.padding };
  const h = activate(g, convLayer(g, params, `${name}.conv1`, x, { in: x.shape[1], ...conv }), s.activation);
  return activate(g, convLayer(g, params, `${name}.conv2`, h, { in: s.out, ...conv }), s.activation);
}

export const unetModel: PluginDefinition<'model', UnetParams, Unet> = {
  kind: 'model',
  name: 'unet',
  description: 'U-Net on a 1-D or 2-D field (each size a multiple of 2^(levels−1)), periodic or zero padding',
  params: unetParams,
  create: (p) => new Unet(p),
};
