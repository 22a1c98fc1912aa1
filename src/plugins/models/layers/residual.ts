import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import { activate, type Activation } from './activation.ts';
import { convLayer, pointwise, type Padding } from './conv.ts';

export interface ResidualSpec {
  readonly out: number;
  readonly kernel: number;
  readonly padding: Padding;
  readonly activation: Activation;
}

/**
 * act(conv2(act(conv1(x))) + skip(x)), PhiML's ResNetBlock without batch norm: skip is the identity when the
 * channel count is unchanged, else a 1×1 convolution `<name>.skip`. Batch statistics would make samples
 * interact, which breaks per-sample input derivatives (specs/graph-and-autodiff.md A6).
 */
export function residualBlock(g: GraphBuilder, params: ParameterSet, name: string, x: Value, s: ResidualSpec): Value {
  const conv = { kernel: s.kernel, padding: s.padding };
  const h = activate(g, convLayer(g, params, `${name}.conv1`, x, { in: x.shape[1], out: s.out, ...conv }), s.activation);
  const y = convLayer(g, params, `${name}.conv2`, h, { in: s.out, out: s.out, ...conv });
  const skip = x.shape[1] === s.out ? x : pointwise(g, params, `${name}.skip`, x, s.out);
  return activate(g, g.add(y, skip), s.activation);
}
