import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import { activate, ACTIVATIONS } from '../layers/activation.ts';
import { pointwise } from '../layers/conv.ts';
import { fieldIoParams } from '../layers/field-io.ts';
import { FieldModel } from '../layers/field-model.ts';
import { SPECTRAL_TRANSFORMS, spectralConv, spectralModeProblems } from '../layers/spectral-conv.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';

const { padding: _edge, ...io } = fieldIoParams;

export const fnoParams = z
  .object({
    ...io,
    input: io.input.default('permeability'),
    output: io.output.default('darcy_pred'),
    layout: io.layout.default('(channel, x, y)'),
    activation: io.activation.default('gelu'),
    width: z.int().positive().default(16).describe('latent channels (PhysicsNeMo Darcy: 32)'),
    layers: z.int().positive().default(4).describe('Fourier layers (PhysicsNeMo Darcy: 4)'),
    modes: z.int().positive().default(8).describe('frequencies kept per axis (PhysicsNeMo Darcy: 12); at most floor(N/2) along x and floor(N/2)+1 along y'),
    domain_padding: z.int().min(0).default(0).describe('zero cells appended to each spatial axis for the Fourier layers, cropped after (PhysicsNeMo Darcy: 9); 0 treats the domain as periodic'),
    decoder_width: z.int().positive().default(32).describe('hidden channels of the projection (PhysicsNeMo Darcy decoder layer_size 32)'),
    decoder_activation: z.enum(ACTIVATIONS).default('silu'),
    spectral_transform: z.enum(SPECTRAL_TRANSFORMS).default('matmul').describe('truncated DFTs as constant matrices (matmul, faster) or ONNX DFT ops (dft); same numbers'),
  })
  .strict();
export type FnoParams = z.infer<typeof fnoParams>;

/**
 * Fourier neural operator (Li et al. 2021; PhysicsNeMo FNO without coordinate features): pointwise lifting,
 * `layers` Fourier layers h ← act(SpectralConv(h) + W·h) (no activation after the last), a two-layer pointwise
 * projection. 1-D or 2-D fields.
 */
export class Fno extends FieldModel<FnoParams> {
  constructor(p: FnoParams) {
    super('fno', p);
  }

  protected override gridProblem(spatial: readonly number[]): string | undefined {
    const pad = this.p.domain_padding;
    const padded = spatial.map((n) => n + pad);
    const problems = spectralModeProblems(padded, padded.map(() => this.p.modes));
    if (problems.length === 0) return undefined;
    const grid = pad > 0 ? `on the grid ${spatial.join('×')} plus domain_padding ${pad}: ` : '';
    return `${grid}${problems.join('; ')}. Lower model.params.modes.`;
  }

  apply(g: GraphBuilder, params: ParameterSet, x: Value, outChannels: number): Value {
    const { width, layers, modes, domain_padding: pad, activation } = this.p;
    const spatial = x.shape.slice(2);
    this.checkGrid(`input "${x.name}"`, spatial);
    const padded = spatial.map((n) => n + pad);
    let h = pointwise(g, params, 'lift', x, width);
    const ends = (v: Value): number[] => [...new Array<number>(v.rank).fill(0), 0, 0, ...spatial.map(() => pad)];
    if (pad > 0) h = g.pad(h, ends(h));
    for (let k = 0; k < layers; k++) {
      const spectral = spectralConv(g, params, `fourier.${k}.spectral`, h, { out: width, modes: padded.map(() => modes), transform: this.p.spectral_transform });
      h = g.add(spectral, pointwise(g, params, `fourier.${k}.skip`, h, width));
      if (k < layers - 1) h = activate(g, h, activation);
    }
    if (pad > 0) h = g.slice(h, spatial.map(() => 0), spatial, spatial.map((_, k) => 2 + k));
    h = activate(g, pointwise(g, params, 'decoder.0', h, this.p.decoder_width), this.p.decoder_activation);
    return pointwise(g, params, 'decoder.1', h, outChannels);
  }
}

export const fnoModel: PluginDefinition<'model', FnoParams, Fno> = {
  kind: 'model',
  name: 'fno',
  description: 'Fourier neural operator (lifting, spectral Fourier layers, projection) on a 1-D or 2-D field, e.g. Darcy permeability → pressure',
  params: fnoParams,
  create: (p) => new Fno(p),
};
