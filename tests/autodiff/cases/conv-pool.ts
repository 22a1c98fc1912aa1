import type { AttrValue } from '../../../src/graph/ir.ts';
import { tensor } from '../../../src/graph/tensor.ts';
import { F32, type NamedCase } from '../fd-cases.ts';

// Convolution and pooling are float32-only on ORT CPU (Conv, ConvTranspose, AveragePool), so these run in
// float32 with a larger step. Input, filter and bias gradients are checked together.

type Attrs = Record<string, AttrValue>;

export const conv: NamedCase[] = (<{ name: string; inputs: { shape: number[] }[]; attrs: Attrs }[]>[
  { name: 'Conv 2-D, bias', inputs: [{ shape: [2, 3, 5, 5] }, { shape: [4, 3, 3, 3] }, { shape: [4] }], attrs: {} },
  { name: 'Conv 2-D stride 2, pads, rows the last window misses', inputs: [{ shape: [1, 2, 6, 7] }, { shape: [3, 2, 3, 2] }], attrs: { strides: [2, 2], pads: [1, 0, 0, 1] } },
  { name: 'Conv 2-D dilation 2', inputs: [{ shape: [1, 2, 7, 6] }, { shape: [2, 2, 2, 3] }], attrs: { dilations: [2, 2] } },
  { name: 'Conv 2-D groups 2', inputs: [{ shape: [2, 4, 5, 5] }, { shape: [6, 2, 3, 3] }, { shape: [6] }], attrs: { group: 2, pads: [1, 1, 1, 1] } },
  { name: 'Conv 2-D depthwise, SAME_UPPER', inputs: [{ shape: [1, 3, 6, 6] }, { shape: [3, 1, 3, 3] }], attrs: { group: 3, auto_pad: 'SAME_UPPER', strides: [2, 2] } },
  { name: 'Conv 1-D stride 3', inputs: [{ shape: [2, 2, 11] }, { shape: [3, 2, 4] }, { shape: [3] }], attrs: { strides: [3], pads: [2, 1] } },
]).map(({ name, inputs, attrs }) => ({ name, ...F32, inputs, build: (b, xs) => b.sin(b.op1('Conv', xs, attrs)) }));

export const convTranspose: NamedCase[] = (<{ name: string; inputs: { shape: number[] }[]; attrs: Attrs }[]>[
  { name: 'ConvTranspose 2-D stride 2, bias', inputs: [{ shape: [2, 3, 3, 4] }, { shape: [3, 2, 3, 3] }, { shape: [2] }], attrs: { strides: [2, 2] } },
  { name: 'ConvTranspose 2-D pads, output_padding', inputs: [{ shape: [1, 2, 4, 4] }, { shape: [2, 3, 3, 3] }], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 0] } },
  { name: 'ConvTranspose 2-D groups 2, dilation', inputs: [{ shape: [1, 4, 3, 3] }, { shape: [4, 1, 2, 2] }], attrs: { group: 2, dilations: [2, 1] } },
  { name: 'ConvTranspose 1-D', inputs: [{ shape: [2, 2, 5] }, { shape: [2, 3, 4] }, { shape: [3] }], attrs: { strides: [3], pads: [1, 2] } },
]).map(({ name, inputs, attrs }) => ({ name, ...F32, inputs, build: (b, xs) => b.sin(b.op1('ConvTranspose', xs, attrs)) }));

export const pool: NamedCase[] = (<{ name: string; op: string; attrs: Attrs; shape: number[] }[]>[
  { name: 'AveragePool 2×2 stride 2', op: 'AveragePool', attrs: { kernel_shape: [2, 2], strides: [2, 2] }, shape: [2, 3, 4, 5] },
  { name: 'AveragePool 3×3 stride 1 pads, count_include_pad 0', op: 'AveragePool', attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, shape: [1, 2, 4, 4] },
  { name: 'AveragePool 3×3 stride 2 pads, count_include_pad 1', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }, shape: [1, 2, 5, 6] },
  { name: 'AveragePool ceil_mode', op: 'AveragePool', attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, shape: [1, 1, 5, 5] },
  { name: 'AveragePool 1-D', op: 'AveragePool', attrs: { kernel_shape: [3], strides: [2] }, shape: [2, 2, 9] },
]).map(({ name, op, attrs, shape }) => ({ name, ...F32, inputs: [{ shape }], build: (b, [x]) => b.sin(b.op1(op, [x], attrs)) }));

export const resize: NamedCase[] = (<{ name: string; attrs: Attrs; scales: number[] }[]>[
  { name: 'Resize nearest ×2 (half_pixel, round_prefer_floor)', attrs: {}, scales: [1, 1, 2, 2] },
  { name: 'Resize nearest ×3, asymmetric floor', attrs: { coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, scales: [1, 1, 3, 3] },
  { name: 'Resize nearest ×0.5 downsampling', attrs: {}, scales: [1, 1, 0.5, 0.5] },
  { name: 'Resize linear ×2 half_pixel', attrs: { mode: 'linear' }, scales: [1, 1, 2, 2] },
  { name: 'Resize linear ×1.5 align_corners', attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, scales: [1, 1, 1.5, 2] },
  { name: 'Resize linear ×2 pytorch_half_pixel', attrs: { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' }, scales: [1, 1, 2, 3] },
]).map(({ name, attrs, scales }) => ({
  name,
  ...F32,
  inputs: [{ shape: [1, 2, 4, 4] }],
  build: (b, [x]) => b.sin(b.op1('Resize', [x, null, b.constant(tensor('float32', [4], scales))], attrs)),
}));

// MaxPool runs in float64 on ORT CPU.
export const maxPool: NamedCase[] = (<{ name: string; attrs: Attrs; shape: number[] }[]>[
  { name: 'MaxPool 2×2 stride 2', attrs: { kernel_shape: [2, 2], strides: [2, 2] }, shape: [2, 3, 4, 6] },
  { name: 'MaxPool 2×3 tiles, leftover rows', attrs: { kernel_shape: [2, 3], strides: [2, 3] }, shape: [1, 2, 5, 7] },
  { name: 'MaxPool 3×3 stride 1 (overlapping)', attrs: { kernel_shape: [3, 3] }, shape: [1, 2, 5, 5] },
  { name: 'MaxPool 3×3 stride 2 pads 1 (ResNet stem)', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, shape: [2, 2, 7, 6] },
  { name: 'MaxPool 2×2 dilation 2', attrs: { kernel_shape: [2, 2], dilations: [2, 2] }, shape: [1, 1, 6, 5] },
  { name: 'MaxPool ceil_mode', attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, shape: [1, 2, 5, 5] },
  { name: 'MaxPool 1-D stride 2', attrs: { kernel_shape: [3], strides: [2] }, shape: [2, 2, 9] },
  { name: 'MaxPool stride 3 > kernel 2 (gaps between windows), pads, ceil_mode', attrs: { kernel_shape: [2, 2], strides: [3, 3], pads: [1, 0, 0, 1], ceil_mode: 1 }, shape: [1, 2, 7, 7] },
  { name: 'MaxPool stride 3 > kernel 2, leftover columns', attrs: { kernel_shape: [2, 2], strides: [3, 3], pads: [1, 0, 0, 1] }, shape: [1, 2, 7, 6] },
  { name: 'MaxPool 3×3 dilation 2 stride 2 (phases with dilation)', attrs: { kernel_shape: [3, 3], strides: [2, 2], dilations: [2, 2] }, shape: [1, 1, 9, 8] },
  { name: 'MaxPool over the whole 6×5 image (one window)', attrs: { kernel_shape: [6, 5] }, shape: [2, 3, 6, 5] },
  { name: 'MaxPool 3-D 2×2×2 stride 1', attrs: { kernel_shape: [2, 2, 2] }, shape: [1, 2, 3, 4, 3] },
]).map(({ name, attrs, shape }) => ({ name, dtype: 'float64', inputs: [{ shape }], build: (b, [x]) => b.sin(b.op1('MaxPool', [x], attrs)) }));
