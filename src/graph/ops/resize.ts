import { InferError, type OpDef } from '../op-def.ts';
import { constFloats, constInts } from './const-input.ts';

/** Modes every tandem backend can reproduce (PyTorch interpolate, tfjs resize). */
const MODES = ['nearest', 'linear'];
const COORDINATE_MODES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'];
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/**
 * Resize (opset 13) with mode nearest or linear, output size from `sizes` or from floor(in·scale).
 * Refused clearly: cubic; tf_crop_and_resize (needs roi) and tf_half_pixel_for_nn.
 */
export const Resize: OpDef = {
  op: 'Resize',
  constInputs: [1, 2, 3],
  since: 13,
  arity: [1, 4],
  attrs: {
    coordinate_transformation_mode: { type: 'string', default: 'half_pixel' },
    cubic_coeff_a: { type: 'float', default: -0.75 },
    exclude_outside: { type: 'int', default: 0 },
    extrapolation_value: { type: 'float', default: 0 },
    mode: { type: 'string', default: 'nearest' },
    nearest_mode: { type: 'string', default: 'round_prefer_floor' },
  },
  dtypes: ['float32', 'float64'],
  infer([x, , sc, sz], attrs) {
    const choose = (name: string, allowed: string[]): void => {
      if (!allowed.includes(attrs[name] as string)) {
        throw new InferError(`${name} "${attrs[name]}" is not supported; tandem supports ${allowed.join(', ')}`);
      }
    };
    choose('mode', MODES);
    choose('coordinate_transformation_mode', COORDINATE_MODES);
    choose('nearest_mode', NEAREST_MODES);
    const r = x!.shape.length;
    // An empty scales tensor stands for "not given" (the ONNX idiom for passing sizes).
    const scales = constFloats(sc, 'Resize scales');
    const sizes = constInts(sz, 'Resize sizes');
    const hasScales = !!scales && scales.length > 0;
    const hasSizes = !!sizes && sizes.length > 0;
    if (hasScales === hasSizes) throw new InferError('Resize needs exactly one of scales and sizes');
    const given = (hasSizes ? sizes : scales)!;
    if (given.length !== r) throw new InferError(`${hasSizes ? 'sizes' : 'scales'} has ${given.length} values, input has rank ${r}`);
    // ORT multiplies in float32 (float scale × dim), so 10 × 0.7f is 7, not 6.99999988: mirror that.
    const shape = hasSizes ? [...given] : x!.shape.map((d, i) => Math.floor(Math.fround(Math.fround(given[i]) * d)));
    if (shape.some((d) => d < 1)) throw new InferError(`output shape [${shape.join(', ')}] is empty`);
    return [{ dtype: x!.dtype, shape }];
  },
};

/**
 * How one resized axis samples its input, per output position: the two source indices and the weight of the
 * second (nearest: one index, `lo === hi`, weight 0). Shared by every place that evaluates or differentiates
 * Resize, so the tfjs kernel and the gradient rule cannot drift apart on a coordinate convention.
 */
export interface ResizeTaps {
  readonly lo: number[];
  readonly hi: number[];
  readonly frac: number[];
}

export interface ResizeModes {
  readonly mode: string;
  readonly coordinate_transformation_mode: string;
  readonly nearest_mode: string;
}

export function resizeTaps(modes: ResizeModes, inLen: number, outLen: number, scale: number): ResizeTaps {
  const taps: ResizeTaps = { lo: [], hi: [], frac: [] };
  for (let o = 0; o < outLen; o++) {
    const src = sourceCoordinate(modes.coordinate_transformation_mode, o, scale, inLen, outLen);
    if (modes.mode === 'nearest') {
      const i = Math.min(Math.max(roundNearest(modes.nearest_mode, src), 0), inLen - 1);
      taps.lo.push(i);
      taps.hi.push(i);
      taps.frac.push(0);
    } else {
      // Linear clamps the coordinate into the input first (ORT's rule), so edges repeat rather than extrapolate.
      const c = Math.min(Math.max(src, 0), inLen - 1);
      const i = Math.floor(c);
      taps.lo.push(i);
      taps.hi.push(Math.min(i + 1, inLen - 1));
      taps.frac.push(c - i);
    }
  }
  return taps;
}

/** Where output coordinate `o` samples the input axis, by ONNX coordinate_transformation_mode. */
function sourceCoordinate(mode: string, o: number, scale: number, inLen: number, outLen: number): number {
  switch (mode) {
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel':
      return outLen > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outLen === 1 ? 0 : (o * (inLen - 1)) / (outLen - 1);
    default: // asymmetric
      return o / scale;
  }
}

function roundNearest(mode: string, v: number): number {
  switch (mode) {
    case 'floor':
      return Math.floor(v);
    case 'ceil':
      return Math.ceil(v);
    case 'round_prefer_ceil':
      return Math.round(v);
    default: // round_prefer_floor: halves go down
      return Number.isInteger(v - 0.5) ? Math.floor(v) : Math.round(v);
  }
}
