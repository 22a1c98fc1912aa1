import { ONNX_DTYPE_CODE } from '../../graph/dtype.ts';
import type { GradRule } from '../rule.ts';

/**
 * d(aᵖ) = (g·p·aᵖ⁻¹, g·y·ln a). The exponent's gradient is NaN for a ≤ 0 (as in torch); the walker prunes it
 * whenever the exponent does not depend on the differentiated values, which is the usual x² case.
 */
export const PowGrad: GradRule = {
  op: 'Pow',
  grad({ b, g, x: [a, exponent], y: [y], scalar }) {
    // ONNX lets the exponent be an integer tensor; the derivative is computed in the base's float type.
    const p = exponent!.dtype === y.dtype ? exponent! : b.op1('Cast', [exponent!], { to: ONNX_DTYPE_CODE[y.dtype] });
    return [b.mul(g, b.mul(p, b.pow(a!, b.sub(p, scalar(1))))), b.mul(g, b.mul(y, b.log(a!)))];
  },
};
