import { InferError, type OpDef } from '../op-def.ts';
import { normalizeAxis } from '../shape-utils.ts';
import { constInts } from './const-input.ts';

/**
 * DFT (opset 17): input [..., N, ..., 1 | 2] (real, or complex as a trailing pair), `axis` names the signal
 * axis (never the trailing pair), optional constant `dft_length` zero-pads or truncates the signal.
 * onesided keeps floor(n/2)+1 bins; onesided with inverse is irfft (half spectrum in, real [.., n, 1] out),
 * which ORT 1.30 implements.
 */
export const DFT: OpDef = {
  op: 'DFT',
  constInputs: [1],
  since: 17,
  arity: [1, 2],
  attrs: {
    axis: { type: 'int', default: 1 },
    inverse: { type: 'int', default: 0 },
    onesided: { type: 'int', default: 0 },
  },
  dtypes: ['float32', 'float64'],
  infer([x, len], attrs) {
    const r = x!.shape.length;
    const last = x!.shape[r - 1];
    if (r < 2 || (last !== 1 && last !== 2)) throw new InferError(`DFT input must end in an axis of 1 (real) or 2 (complex), got rank ${r} ending in ${last}`);
    const axis = normalizeAxis(attrs.axis as number, r);
    if (axis === r - 1) throw new InferError('DFT axis cannot be the trailing real/complex axis');
    const given = constInts(len, 'DFT dft_length');
    if (given && given.length !== 1) throw new InferError('dft_length must be a scalar');
    const shape = [...x!.shape];
    if (attrs.onesided === 1 && attrs.inverse === 1) {
      if (last !== 2) throw new InferError('an inverse onesided DFT (irfft) takes a complex half spectrum');
      shape[axis] = given ? given[0] : 2 * (x!.shape[axis] - 1);
      shape[r - 1] = 1;
    } else {
      const n = given ? given[0] : x!.shape[axis];
      shape[axis] = attrs.onesided === 1 ? Math.floor(n / 2) + 1 : n;
      shape[r - 1] = 2;
    }
    if (shape[axis] < 1) throw new InferError(`dft_length ${given?.[0]} is not positive`);
    return [{ dtype: x!.dtype, shape }];
  },
};
