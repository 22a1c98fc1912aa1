import { z } from 'zod';
import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { parseLayout } from '../../../data/layout.ts';
import { fmtShape } from '../../../graph/shape-utils.ts';
import { ACTIVATIONS } from './activation.ts';
import { PADDINGS } from './conv.ts';

const CHANNEL_DIMS = ['vector', 'channel'];
/** Spatial dims in the order the model's axes take them: x is the first (H), y the second (W), as data/layout.ts says. */
const SPATIAL_DIMS = ['x', 'y'];

/** Config keys every field model (convnet, resnet, unet, fno) shares: which data key, its layout, the output. */
export const fieldIoParams = {
  input: z.string().default('u').describe('data key of the input field'),
  output: z.string().default('u_pred').describe('name of the output field'),
  layout: z.string().describe('dims of ONE input sample by name, e.g. "(x, vector)" or "(channel, x, y)"; the output has the same layout'),
  out_channels: z.int().positive().optional().describe('channels of the output (default: as many as the input)'),
  activation: z.enum(ACTIVATIONS),
  padding: z.enum(PADDINGS).default('periodic').describe('edge handling of the convolutions: periodic (wrap around) or zeros'),
};

/** A field value's layout, resolved against its static shape. */
export interface FieldIo {
  readonly channels: number;
  readonly outChannels: number;
  /** Spatial sizes in model order (x, then y). */
  readonly spatial: readonly number[];
  /** (batch, …data dims) → (batch, channel, x[, y]): one Transpose, plus a unit channel axis if the data has none. */
  toModel(g: GraphBuilder, x: Value): Value;
  /** (batch, out, x[, y]) → (batch, …data dims): the inverse, so the output reads like the input. */
  fromModel(g: GraphBuilder, y: Value): Value;
}

/**
 * Resolves the configured per-sample layout against the input value BY NAME (never by position): the one place
 * a field model's input changes layout. Errors name the model, the data key, the layout and the shape.
 */
export function fieldIo(model: string, x: Value, layout: string, outChannels: number | undefined): FieldIo {
  const where = `model ${model}: input "${x.name}" ${fmtShape(x.shape)}`;
  let dims: string[];
  try {
    dims = parseLayout(layout);
  } catch (e) {
    throw new Error(`${where}: model.params.layout: ${(e as Error).message}`);
  }
  if (dims.includes('batch')) dims = dims.filter((d) => d !== 'batch');
  if (dims.length !== x.rank - 1) {
    throw new Error(`${where}: model.params.layout "${layout}" names ${dims.length} dims per sample but the input has ${x.rank - 1} (after batch); give one name per axis`);
  }
  const unknown = dims.filter((d) => !CHANNEL_DIMS.includes(d) && !SPATIAL_DIMS.includes(d));
  if (unknown.length > 0) {
    throw new Error(`${where}: layout "${layout}" has dims ${unknown.join(', ')} that a field model cannot take; it takes ${SPATIAL_DIMS.join('/')} and at most one of ${CHANNEL_DIMS.join('/')} (slice other dims, e.g. time, before the model)`);
  }
  const channelDims = dims.filter((d) => CHANNEL_DIMS.includes(d));
  if (channelDims.length > 1) throw new Error(`${where}: layout "${layout}" has two channel dims (${channelDims.join(', ')}); keep one`);
  const spatialDims = SPATIAL_DIMS.filter((d) => dims.includes(d));
  if (spatialDims.length === 0 || (spatialDims.length === 1 && spatialDims[0] !== 'x')) {
    throw new Error(`${where}: layout "${layout}" needs spatial dims x or (x, y)`);
  }
  const channelDim = channelDims[0];
  const axis = (d: string): number => 1 + dims.indexOf(d);
  const channels = channelDim ? x.shape[axis(channelDim)] : 1;
  const out = outChannels ?? channels;
  if (!channelDim && out !== 1) {
    throw new Error(`${where}: out_channels ${out} needs a channel dim in the layout "${layout}" to hold them; add one (vector or channel) or set out_channels 1`);
  }
  const toPerm = [0, ...(channelDim ? [axis(channelDim)] : []), ...spatialDims.map(axis)];
  const fromPerm = toPerm.map((_, i) => toPerm.indexOf(i));
  const identity = (p: number[]): boolean => p.every((v, i) => v === i);
  return {
    channels,
    outChannels: out,
    spatial: spatialDims.map((d) => x.shape[axis(d)]),
    toModel(g, v) {
      const t = identity(toPerm) ? v : g.transpose(v, toPerm);
      return channelDim ? t : g.unsqueeze(t, [1]);
    },
    fromModel(g, v) {
      const t = channelDim ? v : g.squeeze(v, [1]);
      return identity(fromPerm) ? t : g.transpose(t, fromPerm);
    },
  };
}
