import { resizeTaps } from '../../graph/ops/resize.ts';
import { tensor } from '../../graph/tensor.ts';
import { transposeMapAlongAxis } from '../axis-matrix.ts';
import type { GradRule } from '../rule.ts';

/**
 * Nearest and linear Resize are separable linear maps with static shapes: per resized axis the output is
 * W·x for a constant [out, in] matrix W (one-hot rows for nearest, two weights for linear). The gradient
 * applies Wᵀ along each axis. W follows the ONNX opset-13 coordinate transforms that the op def accepts.
 */
export const ResizeGrad: GradRule = {
  op: 'Resize',
  grad(ctx) {
    const { b, g, x: [x], node, attr } = ctx;
    const scales = node.inputs[2] ? x!.shape.map((_, i) => Number(ctx.x[2]!.constValue!.data[i])) : [];
    const modes = { mode: attr<string>('mode'), coordinate_transformation_mode: attr<string>('coordinate_transformation_mode'), nearest_mode: attr<string>('nearest_mode') };
    let d = g;
    x!.shape.forEach((inLen, axis) => {
      const outLen = g.shape[axis];
      const scale = scales.length && scales[axis] > 0 ? scales[axis] : outLen / inLen;
      if (inLen === outLen && scale === 1) return;
      const { lo, hi, frac } = resizeTaps(modes, inLen, outLen, scale);
      const w = new Array<number>(outLen * inLen).fill(0);
      for (let o = 0; o < outLen; o++) {
        w[o * inLen + lo[o]] += 1 - frac[o];
        w[o * inLen + hi[o]] += frac[o];
      }
      d = transposeMapAlongAxis(b, d, axis, tensor(g.dtype, [outLen, inLen], w));
    });
    return [d, null, null, null];
  },
};
