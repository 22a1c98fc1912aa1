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
