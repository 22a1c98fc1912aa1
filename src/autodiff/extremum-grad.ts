import type { Value } from '../graph/builder.ts';
import { ONNX_DTYPE_CODE } from '../graph/dtype.ts';
import type { GradContext } from './rule.ts';

/**
 * Gradient of an elementwise Max/Min over any number of broadcasting inputs: each input equal to the result
 * gets g divided by how many inputs tie there, as torch.maximum/minimum do (ties share the gradient).
 */
export function extremumGrad({ b, g, x, y: [y] }: GradContext): (Value | null)[] {
  const to = ONNX_DTYPE_CODE[y.dtype];
  const masks = x.map((xi) => b.op1('Cast', [b.op1('Equal', [xi!, y])], { to }));
  const ties = masks.reduce((acc, m) => b.add(acc, m));
  const share = b.div(g, ties);
  return masks.map((m) => b.mul(share, m));
}
