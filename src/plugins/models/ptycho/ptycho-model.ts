import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { fmtShape } from '../../../graph/shape-utils.ts';
import type { PluginDefinition } from '../../../contracts/plugin.ts';
import { activate } from '../layers/activation.ts';
import { convLayer } from '../layers/conv.ts';
import { downsample, upsample } from '../layers/sampling.ts';
import type { Model } from '../../../contracts/model.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import { farFieldIntensity, fromPolar } from './far-field.ts';
import { throughSharedCanvas } from './object-canvas.ts';

export const ptychoModelParams = z
  .object({
    input: z.string().default('X').describe('data key of the normalised diffraction amplitudes, (batch, N, N, C)'),
    probe: z.string().default('probe').describe('data key of the scaled probe, (N, N, 2) real pairs'),
    filters: z.int().positive().default(16).describe('channels of the first encoder level (doubled at the second)'),
    object_big: z.boolean().default(true).describe('gridsize > 1: average the C patches on one shared canvas before diffracting (upstream object_big)'),
    place_rows: z.string().default('place_rows').describe('data key of the canvas row placement, (batch, C, L, N)'),
    place_cols: z.string().default('place_cols').describe('data key of the canvas column placement, (batch, C, L, N)'),
    kernel: z.int().positive().default(3),
  })
  .strict();
export type PtychoModelParams = z.infer<typeof ptychoModelParams>;

/**
 * Output names: the physics-informed loss fits `intensity` (batch, N, N, C); `object` (batch, N, N, C, 2) is the
 * reconstructed complex patch of each channel as (re, im), after the shared canvas when object_big applies.
 */
export const PTYCHO_OUTPUTS = { intensity: 'intensity', object: 'object' } as const;

/**
 * The PtychoPINN autoencoder (docs/reference/seed-systems.md §1.8), small: a two-level convolutional encoder–decoder on the C
 * diffraction patterns of a group, an amplitude head (sigmoid, a passive object transmits ≤ 1) and a phase head
 * (π·tanh), combined into a complex object patch per channel, illuminated by the probe and propagated to the far
 * field by the DFT. Trained only on the measured counts (Poisson NLL), never on the object: unsupervised.
 * With C > 1 and object_big, the C patches pass through one shared canvas first (object-canvas.ts), so
 * overlapping channels must agree on the object; with C = 1 each patch stands alone (object_big has no effect).
 */
export class PtychoModel implements Model {
  constructor(private readonly p: PtychoModelParams) {}

  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    const x = this.input(inputs, this.p.input, 'input');
    const probe = this.input(inputs, this.p.probe, 'probe');
    if (x.rank !== 4 || x.shape[1] !== x.shape[2]) throw new Error(`model ptycho: input "${this.p.input}" has shape ${fmtShape(x.shape)}; it must be (batch, N, N, C)`);
    const [, n, , c] = x.shape;
    if (n % 4 !== 0) throw new Error(`model ptycho: N = ${n} must be divisible by 4 (two 2× poolings)`);
    if (probe.rank !== 3 || probe.shape[0] !== n || probe.shape[1] !== n || probe.shape[2] !== 2) {
      throw new Error(`model ptycho: probe "${this.p.probe}" has shape ${fmtShape(probe.shape)}; it must be (${n}, ${n}, 2), the N×N probe as (re, im) pairs`);
    }
    const { filters: f, kernel } = this.p;
    const conv = (name: string, h: Value, out: number) => activate(g, convLayer(g, params, name, h, { in: h.shape[1], out, kernel, padding: 'zeros' }), 'relu');
    let h = g.transpose(x, [0, 3, 1, 2]); // (B, C, N, N): channels-first for Conv
    h = conv('encoder.0', h, f);
    const skip = conv('encoder.1', h, f);
    h = conv('encoder.2', downsample(g, skip), 2 * f);
    h = conv('encoder.3', downsample(g, h), 2 * f);
    h = conv('decoder.0', upsample(g, h), 2 * f);
    h = conv('decoder.1', upsample(g, h), f);
    h = g.add(h, skip);
    const head = (name: string) => convLayer(g, params, name, h, { in: f, out: c, kernel, padding: 'zeros' });
    const amplitude = g.sigmoid(head('amplitude_head'));
    const phase = g.mul(g.scalar(Math.PI, x.dtype), g.tanh(head('phase_head')));
    let object = fromPolar(g, amplitude, phase); // (B, C, N, N, 2)
    if (this.p.object_big && c > 1) object = throughSharedCanvas(g, object, this.input(inputs, this.p.place_rows, 'place_rows'), this.input(inputs, this.p.place_cols, 'place_cols'));
    const intensity = farFieldIntensity(g, object, probe);
    // Back to the data's (B, N, N, C[, 2]) layout.
    return { [PTYCHO_OUTPUTS.intensity]: g.transpose(intensity, [0, 2, 3, 1]), [PTYCHO_OUTPUTS.object]: g.transpose(object, [0, 2, 3, 1, 4]) };
  }

  effectiveSettings(): Record<string, unknown> {
    return { ...this.p };
  }

  private input(inputs: Readonly<Record<string, Value>>, key: string, param: string): Value {
    const v = inputs[key];
    if (!v) throw new Error(`model ptycho: no data key "${key}" (model.params.${param}); the data provides ${Object.keys(inputs).join(', ')}`);
    return v;
  }
}

export const ptychoModel: PluginDefinition<'model', PtychoModelParams, PtychoModel> = {
  kind: 'model',
  name: 'ptycho',
  description: 'PtychoPINN: conv encoder–decoder → complex object patch → probe illumination → |DFT2|² far field (unsupervised, Poisson NLL)',
  params: ptychoModelParams,
  create: (p) => new PtychoModel(p),
};
