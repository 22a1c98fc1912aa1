import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import { activate } from '../layers/activation.ts';
import { convLayer } from '../layers/conv.ts';
import { fieldIoParams } from '../layers/field-io.ts';
import { FieldModel } from '../layers/field-model.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';

export const convnetParams = z
  .object({
    ...fieldIoParams,
    layout: fieldIoParams.layout.default('(x, vector)'),
    activation: fieldIoParams.activation.default('relu'),
    width: z.int().positive().default(32).describe('channels of every hidden layer'),
    depth: z.int().positive().default(3).describe('hidden convolutions (each followed by the activation)'),
    kernel: z.int().positive().default(3).describe('odd kernel size'),
  })
  .strict();
export type ConvnetParams = z.infer<typeof convnetParams>;

/** PhiML's conv_net without batch norm: `depth` convolutions in → width → … → width with the activation, then one to the output. */
export class Convnet extends FieldModel<ConvnetParams> {
  constructor(p: ConvnetParams) {
    super('convnet', p);
  }

  apply(g: GraphBuilder, params: ParameterSet, x: Value, outChannels: number): Value {
    const { width, depth, kernel, padding, activation } = this.p;
    let h = x;
    for (let i = 0; i < depth; i++) h = activate(g, convLayer(g, params, `convs.${i}`, h, { in: h.shape[1], out: width, kernel, padding }), activation);
    return convLayer(g, params, `convs.${depth}`, h, { in: width, out: outChannels, kernel, padding });
  }
}

export const convnetModel: PluginDefinition<'model', ConvnetParams, Convnet> = {
  kind: 'model',
  name: 'convnet',
  description: 'Plain convolutional network on a 1-D or 2-D field (same resolution out), periodic or zero padding',
  params: convnetParams,
  create: (p) => new Convnet(p),
};
