import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import { activate } from '../layers/activation.ts';
import { convLayer, pointwise } from '../layers/conv.ts';
import { fieldIoParams } from '../layers/field-io.ts';
import { FieldModel } from '../layers/field-model.ts';
import { residualBlock } from '../layers/residual.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';

export const resnetParams = z
  .object({
    ...fieldIoParams,
    layout: fieldIoParams.layout.default('(x, vector)'),
    activation: fieldIoParams.activation.default('relu'),
    width: z.int().positive().default(32).describe('channels of every residual block'),
    blocks: z.int().positive().default(3).describe('residual blocks (HYCO-PhiFlow burgers_1d: ResNet levels 3, filters 32)'),
    kernel: z.int().positive().default(3).describe('odd kernel size'),
  })
  .strict();
export type ResnetParams = z.infer<typeof resnetParams>;

/** Lifting convolution, `blocks` residual blocks (PhiML res_net without batch norm), a 1×1 convolution to the output. */
export class Resnet extends FieldModel<ResnetParams> {
  constructor(p: ResnetParams) {
    super('resnet', p);
  }

  apply(g: GraphBuilder, params: ParameterSet, x: Value, outChannels: number): Value {
    const { width, blocks, kernel, padding, activation } = this.p;
    let h = activate(g, convLayer(g, params, 'lift', x, { in: x.shape[1], out: width, kernel, padding }), activation);
    for (let i = 0; i < blocks; i++) h = residualBlock(g, params, `blocks.${i}`, h, { out: width, kernel, padding, activation });
    return pointwise(g, params, 'head', h, outChannels);
  }
}

export const resnetModel: PluginDefinition<'model', ResnetParams, Resnet> = {
  kind: 'model',
  name: 'resnet',
  description: 'Residual convolutional network on a 1-D or 2-D field (same resolution out), periodic or zero padding',
  params: resnetParams,
  create: (p) => new Resnet(p),
};
