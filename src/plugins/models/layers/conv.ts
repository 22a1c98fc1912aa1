import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { torchDefault } from '../../../contracts/init.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
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
  if (spatial === 1) {
    const full = [0, 0, half, 0, 0, half];
    return conv1dAsMatmul(g, s.padding === 'zeros' ? g.pad(x, full) : g.pad(x, full, 'circular'), w, b);
  }
  if (s.padding === 'zeros') return g.conv(x, w, b, { pads });
  // Circular padding on the spatial axes only (batch and channel get 0), then a 'valid' convolution.
  const circular = [0, 0, ...pads.slice(0, spatial), 0, 0, ...pads.slice(spatial)];
  return g.conv(g.pad(x, circular, 'circular'), w, b);
}

/**
 * A valid 1-D convolution of the padded xp (batch, in, n + k − 1) as ONE MatMul over its k shifted views
 * stacked as (batch, in·k, n) ("im2col"), in the weight's [out, in, k] order. Same numbers as Conv; on ORT CPU a
 * train step of the 1-D nets runs 2–5× faster this way (specs/models.md §5), because ORT's Conv backward
 * (ConvTranspose, and a Conv with a grid-sized kernel for the filter) is slow. 2-D keeps Conv: there k² views
 * cost k² times the activation memory for about a quarter off the 2-D UNet step, which is not worth it.
 */
function conv1dAsMatmul(g: GraphBuilder, xp: Value, w: Value, b: Value | null): Value {
  const [out, cin, k] = w.shape;
  const [batch, , padded] = xp.shape;
  const n = padded - k + 1;
  const views = Array.from({ length: k }, (_, t) => g.unsqueeze(g.slice(xp, [t], [t + n], [2]), [2]));
  const cols = g.reshape(g.concat(views, 2), [batch, cin * k, n]);
  const y = g.matmul(g.reshape(w, [out, cin * k]), cols);
  return b ? g.add(y, g.reshape(b, [out, 1])) : y;
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
