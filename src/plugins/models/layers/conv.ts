import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { torchDefault } from '../init.ts';
import type { ParameterSet } from '../parameters.ts';
import { param } from './param.ts';

/** How a convolution treats the domain edge: wrap around (periodic domains, torch padding_mode='circular') or zeros. */
export const PADDINGS = ['periodic', 'zeros'] as const;
export type Padding = (typeof PADDINGS)[number];

export interface ConvSpec {
  readonly in: number;
  readonly out: number;
  /** Odd kernel size, the same along every spatial axis. 'same' padding keeps the resolution. */
  readonly kernel: number;
  readonly padding: Padding;
  readonly bias?: boolean;
}

/**
 * A torch-style ConvNd layer on a channels-first value (batch, C, spatial…), 'same' padding, stride 1. Parameters
 * `<name>.weight` [out, in, k…] and `<name>.bias` [out] are drawn U(±1/√fan_in), fan_in = in·k^d, which is what
 * torch.nn.ConvNd's default init reduces to, and named as its state_dict keys.
 */
export function convLayer(g: GraphBuilder, params: ParameterSet, name: string, x: Value, s: ConvSpec): Value {
  if (s.kernel % 2 !== 1) throw new Error(`layer "${name}": kernel size ${s.kernel} must be odd so that 'same' padding keeps the resolution`);
  const spatial = x.rank - 2;
  if (x.shape[1] !== s.in) throw new Error(`layer "${name}": input "${x.name}" has ${x.shape[1]} channels, the layer expects ${s.in}`);
  if (s.kernel === 1) return pointwise(g, params, name, x, s.out, s.bias);
  const kernelShape = new Array<number>(spatial).fill(s.kernel);
  const fanIn = s.in * s.kernel ** spatial;
  const w = param(params, `${name}.weight`, [s.out, s.in, ...kernelShape], torchDefault(fanIn));
  const b = s.bias === false ? null : param(params, `${name}.bias`, [s.out], torchDefault(fanIn));
  const half = (s.kernel - 1) / 2;
  const pads = new Array<number>(2 * spatial).fill(half);
  if (s.padding === 'zeros') return g.conv(x, w, b, { pads });
  // Circular padding on the spatial axes only (batch and channel get 0), then a 'valid' convolution.
  const circular = [0, 0, ...pads.slice(0, spatial), 0, 0, ...pads.slice(spatial)];
  return g.conv(g.pad(x, circular, 'circular'), w, b);
}

/**
 * A 1×1 (pointwise) convolution: a per-position linear map of the channels (FNO lifting, skip and projection).
 * Same parameters as torch's ConvNd(kernel_size=1), but computed as one MatMul over the flattened grid: its
 * gradients are MatMuls too, where a Conv's filter gradient is a convolution with a kernel as large as the grid,
 * which onnxruntime runs several times slower.
 */
export function pointwise(g: GraphBuilder, params: ParameterSet, name: string, x: Value, out: number, bias = true): Value {
  const [batch, cin, ...spatial] = x.shape;
  const w = param(params, `${name}.weight`, [out, cin, ...spatial.map(() => 1)], torchDefault(cin));
  const cells = spatial.reduce((a, b) => a * b, 1);
  let y = g.matmul(g.reshape(w, [out, cin]), g.reshape(x, [batch, cin, cells]));
  if (bias) y = g.add(y, g.reshape(param(params, `${name}.bias`, [out], torchDefault(cin)), [out, 1]));
  return g.reshape(y, [batch, out, ...spatial]);
}
