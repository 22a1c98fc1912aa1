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
    const mode = attr<string>('mode');
    const coord = attr<string>('coordinate_transformation_mode');
    const nearest = attr<string>('nearest_mode');
    let d = g;
    x!.shape.forEach((inLen, axis) => {
      const outLen = g.shape[axis];
      const scale = scales.length && scales[axis] > 0 ? scales[axis] : outLen / inLen;
      if (inLen === outLen && scale === 1) return;
      const w = new Array<number>(outLen * inLen).fill(0);
      for (let o = 0; o < outLen; o++) {
        const src = sourceCoordinate(o, scale, inLen, outLen, coord);
        if (mode === 'nearest') {
          const i = Math.min(Math.max(roundNearest(src, nearest), 0), inLen - 1);
          w[o * inLen + i] += 1;
        } else {
          const c = Math.min(Math.max(src, 0), inLen - 1);
          const i0 = Math.floor(c);
          const i1 = Math.min(i0 + 1, inLen - 1);
          w[o * inLen + i0] += 1 - (c - i0);
          w[o * inLen + i1] += c - i0;
        }
      }
      d = transposeMapAlongAxis(b, d, axis, tensor(g.dtype, [outLen, inLen], w));
    });
    return [d, null, null, null];
  },
};

function sourceCoordinate(o: number, scale: number, inLen: number, outLen: number, mode: string): number {
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

function roundNearest(v: number, mode: string): number {
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
