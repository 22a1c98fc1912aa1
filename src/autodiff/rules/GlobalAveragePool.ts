import { sizeOf } from '../../graph/tensor.ts';
import type { GradRule } from '../rule.ts';

/** Every spatial element gets g divided by the spatial size: one Div and one Expand, whatever the extent. */
export const GlobalAveragePoolGrad: GradRule = {
  op: 'GlobalAveragePool',
  grad: ({ b, g, x: [x], scalar }) => [b.expand(b.div(g, scalar(sizeOf(x!.shape.slice(2)))), x!.shape)],
};
