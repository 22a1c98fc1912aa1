import { rngFor } from '../../../src/data/rng.ts';
import type { DType } from '../../../src/graph/dtype.ts';
import { GraphBuilder, type Value } from '../../../src/graph/builder.ts';
import type { AttrValue, Graph } from '../../../src/graph/ir.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../../../src/graph/tensor.ts';

/** How a fed input's random values are drawn. */
type Draw = 'normal' | 'positive' | 'negative' | 'int' | 'nonzeroInt' | 'bool' | 'index';

/** A fed (random) input, or a constant input given by value. */
export type CaseInput = { shape: Shape; dtype?: DType; draw?: Draw; max?: number } | { const: Tensor } | null;

/** One row of the per-op table: an op, its inputs and attributes, checked against onnxruntime on random inputs. */
export interface OpCase {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly CaseInput[];
  readonly attrs?: Record<string, AttrValue>;
  /** How many outputs to ask for (default: the op's first only). */
  readonly outputs?: number;
}

const f = (shape: Shape, draw: Draw = 'normal'): CaseInput => ({ shape, draw });
const i32 = (shape: Shape, draw: Draw = 'int', max = 5): CaseInput => ({ shape, dtype: 'int32', draw, max });
const ints = (v: number[]): CaseInput => ({ const: tensor('int64', [v.length], v) });
const floats = (v: number[]): CaseInput => ({ const: tensor('float32', [v.length], v) });
const NCHW = [2, 4, 7, 6];

/** Every op in tandem's set has at least one row (the test checks that); awkward attributes get their own rows. */
export const OP_CASES: OpCase[] = [
  { name: 'Add broadcast', op: 'Add', inputs: [f([2, 3, 4]), f([4])] },
  { name: 'Add int32', op: 'Add', inputs: [i32([3, 4]), i32([1, 4])] },
  { name: 'Sub', op: 'Sub', inputs: [f([3, 1]), f([1, 5])] },
  { name: 'Mul', op: 'Mul', inputs: [f([2, 3]), f([])] },
  { name: 'Div float', op: 'Div', inputs: [f([4, 3]), f([4, 3], 'positive')] },
  { name: 'Div int32 truncates toward zero', op: 'Div', inputs: [i32([20], 'int', 50), i32([20], 'nonzeroInt', 7)] },
  { name: 'Pow float exponent', op: 'Pow', inputs: [f([3, 4], 'positive'), f([4])] },
  { name: 'Pow int64 exponent, negative base', op: 'Pow', inputs: [f([6]), { shape: [6], dtype: 'int64', draw: 'int', max: 3 }] },
  { name: 'Neg', op: 'Neg', inputs: [f([5])] },
  { name: 'Neg int64', op: 'Neg', inputs: [{ shape: [5], dtype: 'int64', draw: 'int', max: 100 }] },
  { name: 'Abs', op: 'Abs', inputs: [f([5])] },
  { name: 'Sqrt', op: 'Sqrt', inputs: [f([5], 'positive')] },
  { name: 'Exp', op: 'Exp', inputs: [f([5])] },
  { name: 'Log', op: 'Log', inputs: [f([5], 'positive')] },
  { name: 'Sin', op: 'Sin', inputs: [f([5])] },
  { name: 'Cos', op: 'Cos', inputs: [f([5])] },
  { name: 'Tanh', op: 'Tanh', inputs: [f([5])] },
  { name: 'Sigmoid', op: 'Sigmoid', inputs: [f([5])] },
  { name: 'Relu', op: 'Relu', inputs: [f([5])] },
  { name: 'LeakyRelu', op: 'LeakyRelu', inputs: [f([9])], attrs: { alpha: 0.2 } },
  { name: 'Erf', op: 'Erf', inputs: [f([16])] },
  { name: 'Softplus', op: 'Softplus', inputs: [f([16])] },
  { name: 'Identity', op: 'Identity', inputs: [f([2, 2])] },
  // tfjs-wasm's XNNPACK binary kernels take at most 6 dimensions (gradient graphs go beyond: MaxPool's reaches 8).
  { name: 'Add rank 7 broadcast', op: 'Add', inputs: [f([2, 1, 3, 1, 2, 2, 3]), f([3, 1, 2, 1, 3])] },
  { name: 'Sub rank 8', op: 'Sub', inputs: [f([2, 1, 2, 2, 1, 2, 1, 3]), f([2, 3, 2, 2, 1, 2, 2, 3])] },
  { name: 'Mul rank 8 broadcast', op: 'Mul', inputs: [f([2, 3, 1, 2, 2, 1, 2, 2]), f([2, 3, 1, 2, 1, 1, 2, 1])] },
  { name: 'Div rank 8 broadcast', op: 'Div', inputs: [f([2, 3, 1, 2, 2, 1, 2, 2]), f([1, 2, 1, 1, 2, 1], 'positive')] },
  { name: 'HardSwish rank 8', op: 'HardSwish', inputs: [f([2, 1, 3, 1, 2, 2, 1, 3])] },
  { name: 'Selu rank 7', op: 'Selu', inputs: [f([2, 1, 3, 1, 2, 2, 3])] },
  { name: 'PRelu rank 7', op: 'PRelu', inputs: [f([2, 1, 3, 1, 2, 2, 3]), f([2, 1, 3])] },
  { name: 'Clip min and max', op: 'Clip', inputs: [f([3, 4]), { const: tensor('float32', [], [-0.5]) }, { const: tensor('float32', [], [0.7]) }] },
  { name: 'Clip max only, int32', op: 'Clip', inputs: [i32([8], 'int', 9), null, { const: tensor('int32', [], [4]) }] },
  { name: 'Clip min above max gives max', op: 'Clip', inputs: [f([6]), { const: tensor('float32', [], [1]) }, { const: tensor('float32', [], [-1]) }] },
  { name: 'Clip no bounds', op: 'Clip', inputs: [f([4])] },
  { name: 'PRelu slope per channel', op: 'PRelu', inputs: [f(NCHW), f([4, 1, 1])] },
  { name: 'PRelu slope on the last axis', op: 'PRelu', inputs: [f([3, 4, 5]), f([5])] },
  { name: 'HardSigmoid', op: 'HardSigmoid', inputs: [f([16])], attrs: { alpha: 0.3, beta: 0.4 } },
  { name: 'HardSwish', op: 'HardSwish', inputs: [f([4, 5])] },
  { name: 'Elu', op: 'Elu', inputs: [f([16])], attrs: { alpha: 0.7 } },
  { name: 'Selu', op: 'Selu', inputs: [f([16])], attrs: { alpha: 1.5, gamma: 1.2 } },
  { name: 'Celu', op: 'Celu', inputs: [f([16])], attrs: { alpha: 0.5 } },
  { name: 'Softsign', op: 'Softsign', inputs: [f([16])] },
  { name: 'Mish (opset 18)', op: 'Mish', inputs: [f([2, 9])] },
  { name: 'Max variadic broadcast', op: 'Max', inputs: [f([2, 3]), f([3]), f([2, 1])] },
  { name: 'Min variadic broadcast', op: 'Min', inputs: [f([2, 3]), f([3]), f([2, 1])] },
  { name: 'Max single input', op: 'Max', inputs: [f([4])] },
  { name: 'Greater', op: 'Greater', inputs: [f([3, 4]), f([4])] },
  { name: 'Less', op: 'Less', inputs: [f([3, 4]), f([4])] },
  { name: 'Equal int32', op: 'Equal', inputs: [i32([3, 4], 'int', 2), i32([4], 'int', 2)] },
  { name: 'Where broadcast', op: 'Where', inputs: [{ shape: [3, 1], dtype: 'bool', draw: 'bool' }, f([3, 4]), f([4])] },
  { name: 'MatMul batched broadcast', op: 'MatMul', inputs: [f([2, 1, 3, 4]), f([5, 4, 6])] },
  { name: 'MatMul 4-D × 2-D (rows of A in one product)', op: 'MatMul', inputs: [f([2, 3, 4, 5]), f([5, 6])] },
  { name: 'MatMul 1-D × 2-D', op: 'MatMul', inputs: [f([4]), f([4, 3])] },
  { name: 'MatMul 2-D × 1-D', op: 'MatMul', inputs: [f([3, 4]), f([4])] },
  { name: 'Gemm transA transB alpha beta', op: 'Gemm', inputs: [f([4, 3]), f([5, 4]), f([5])], attrs: { transA: 1, transB: 1, alpha: 0.5, beta: 2 } },
  { name: 'Gemm plain', op: 'Gemm', inputs: [f([3, 4]), f([4, 5]), f([3, 5])] },
  { name: 'Conv 1-D stride, pads', op: 'Conv', inputs: [f([2, 3, 11]), f([4, 3, 3]), f([4])], attrs: { strides: [2], pads: [1, 2] } },
  { name: 'Conv 2-D asymmetric pads, dilation, groups', op: 'Conv', inputs: [f(NCHW), f([6, 2, 3, 2]), f([6])], attrs: { pads: [1, 0, 2, 1], dilations: [2, 1], group: 2 } },
  { name: 'Conv 2-D strides and dilations together', op: 'Conv', inputs: [f(NCHW), f([3, 4, 2, 2])], attrs: { strides: [2, 2], dilations: [2, 2], pads: [1, 1, 1, 1] } },
  { name: 'Conv depthwise', op: 'Conv', inputs: [f(NCHW), f([8, 1, 3, 3])], attrs: { group: 4, pads: [1, 1, 1, 1] } },
  { name: 'Conv auto_pad SAME_UPPER', op: 'Conv', inputs: [f(NCHW), f([2, 4, 2, 3])], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } },
  { name: 'ConvTranspose 2-D strides, pads, output_padding, groups', op: 'ConvTranspose', inputs: [f([2, 4, 3, 4]), f([4, 3, 3, 2]), f([6])], attrs: { strides: [2, 3], pads: [1, 0, 0, 1], output_padding: [1, 2], group: 2 } },
  { name: 'ConvTranspose 2-D dilations', op: 'ConvTranspose', inputs: [f([1, 2, 4, 4]), f([2, 3, 2, 2])], attrs: { dilations: [2, 2], strides: [2, 1] } },
  { name: 'ConvTranspose 1-D', op: 'ConvTranspose', inputs: [f([2, 3, 5]), f([3, 2, 3])], attrs: { strides: [2], pads: [1, 1] } },
  { name: 'Conv 3-D strides, asymmetric pads, groups', op: 'Conv', inputs: [f([1, 4, 5, 6, 4]), f([4, 2, 2, 3, 2]), f([4])], attrs: { strides: [2, 1, 2], pads: [1, 0, 1, 0, 2, 1], group: 2 } },
  { name: 'Conv 3-D dilations', op: 'Conv', inputs: [f([2, 2, 5, 5, 5]), f([3, 2, 2, 2, 2])], attrs: { dilations: [2, 1, 2] } },
  { name: 'ConvTranspose 3-D strides, output_padding', op: 'ConvTranspose', inputs: [f([1, 2, 3, 2, 3]), f([2, 3, 2, 2, 2]), f([3])], attrs: { strides: [2, 2, 1], output_padding: [1, 0, 0], pads: [0, 1, 0, 0, 0, 1] } },
  { name: 'AveragePool 3-D, pads, ceil', op: 'AveragePool', inputs: [f([1, 2, 5, 4, 5])], attrs: { kernel_shape: [2, 2, 3], strides: [2, 2, 2], pads: [1, 0, 1, 0, 1, 1], ceil_mode: 1 } },
  { name: 'MaxPool 3-D dilations, indices', op: 'MaxPool', inputs: [f([1, 2, 5, 5, 4])], attrs: { kernel_shape: [2, 2, 2], dilations: [2, 1, 1], strides: [1, 2, 2] }, outputs: 2 },
  { name: 'MaxPool 3-D all-negative windows (wasm MaxPool3D starts at FLT_MIN)', op: 'MaxPool', inputs: [f([1, 2, 4, 4, 4], 'negative')], attrs: { kernel_shape: [2, 2, 2], strides: [2, 2, 2] } },
  { name: 'MaxPool 2-D indices, storage_order 1', op: 'MaxPool', inputs: [f([1, 2, 5, 4])], attrs: { kernel_shape: [2, 2], storage_order: 1 }, outputs: 2 },
  { name: 'AveragePool pads, count_include_pad 0, ceil', op: 'AveragePool', inputs: [f(NCHW)], attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 1, 1, 0], ceil_mode: 1 } },
  { name: 'MaxPool ceil, last window would start in the end padding (dropped)', op: 'MaxPool', inputs: [f([1, 2, 4, 5])], attrs: { kernel_shape: [2, 2], strides: [3, 3], pads: [1, 1, 1, 1], ceil_mode: 1 } },
  { name: 'AveragePool ceil, last window dropped, count_include_pad 1', op: 'AveragePool', inputs: [f([1, 2, 4, 5])], attrs: { kernel_shape: [2, 2], strides: [3, 3], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 } },
  { name: 'AveragePool count_include_pad 1', op: 'AveragePool', inputs: [f(NCHW)], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 } },
  { name: 'AveragePool 1-D', op: 'AveragePool', inputs: [f([2, 3, 9])], attrs: { kernel_shape: [3], strides: [2] } },
  { name: 'MaxPool pads, dilations, ceil', op: 'MaxPool', inputs: [f(NCHW)], attrs: { kernel_shape: [2, 2], pads: [1, 0, 1, 1], dilations: [2, 1], strides: [2, 2], ceil_mode: 1 } },
  { name: 'MaxPool with indices', op: 'MaxPool', inputs: [f(NCHW)], attrs: { kernel_shape: [3, 2], strides: [2, 1], pads: [1, 0, 1, 0] }, outputs: 2 },
  { name: 'MaxPool 1-D', op: 'MaxPool', inputs: [f([2, 3, 9])], attrs: { kernel_shape: [2], strides: [2] } },
  { name: 'Resize nearest asymmetric floor ×2', op: 'Resize', inputs: [f([1, 2, 3, 4]), null, floats([1, 1, 2, 2])], attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } },
  { name: 'Resize nearest half_pixel round_prefer_ceil sizes', op: 'Resize', inputs: [f([1, 2, 5, 4]), null, null, ints([1, 2, 3, 7])], attrs: { mode: 'nearest', nearest_mode: 'round_prefer_ceil' } },
  { name: 'Resize linear half_pixel down', op: 'Resize', inputs: [f([1, 2, 6, 8]), null, floats([1, 1, 0.5, 0.75])], attrs: { mode: 'linear' } },
  { name: 'Resize linear align_corners sizes', op: 'Resize', inputs: [f([1, 1, 4, 5]), null, null, ints([1, 1, 7, 3])], attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' } },
  { name: 'Resize linear pytorch_half_pixel', op: 'Resize', inputs: [f([1, 2, 4, 4]), null, floats([1, 1, 2, 1.5])], attrs: { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' } },
  { name: 'Reshape 0 and -1', op: 'Reshape', inputs: [f([2, 3, 4]), ints([0, -1, 2])] },
  { name: 'Transpose perm', op: 'Transpose', inputs: [f([2, 3, 4])], attrs: { perm: [2, 0, 1] } },
  { name: 'Transpose default', op: 'Transpose', inputs: [f([2, 3, 4])] },
  { name: 'Concat axis -1', op: 'Concat', inputs: [f([2, 3]), f([2, 1]), f([2, 2])], attrs: { axis: -1 } },
  { name: 'Slice negative step, clamped', op: 'Slice', inputs: [f([5, 6]), ints([-1, 100]), ints([-100, 1]), ints([0, 1]), ints([-2, -1])] },
  { name: 'Slice step 2 int64', op: 'Slice', inputs: [{ shape: [7, 4], dtype: 'int64', draw: 'int', max: 1000 }, ints([1]), ints([7]), ints([0]), ints([2])] },
  { name: 'Slice bool, negative step (wasm bool Reverse is broken)', op: 'Slice', inputs: [{ shape: [4, 3], dtype: 'bool', draw: 'bool' }, ints([3]), ints([-10]), ints([0]), ints([-1])] },
  { name: 'Expand bool', op: 'Expand', inputs: [{ shape: [1, 3], dtype: 'bool', draw: 'bool' }, ints([2, 3])] },
  { name: 'Pad constant, negative crops', op: 'Pad', inputs: [f([3, 4]), ints([1, -1, 2, 2]), { const: tensor('float32', [], [1.5]) }] },
  { name: 'Pad reflect', op: 'Pad', inputs: [f([1, 2, 4, 5]), ints([0, 0, 2, 1, 0, 0, 1, 3])], attrs: { mode: 'reflect' } },
  { name: 'Pad edge', op: 'Pad', inputs: [f([3, 4]), ints([2, 0, 1, 3])], attrs: { mode: 'edge' } },
  { name: 'Gather negative int64 indices, 2-D, axis 1', op: 'Gather', inputs: [f([3, 5, 2]), { const: tensor('int64', [2, 2], [-1, 0, 3, -5]) }], attrs: { axis: 1 } },
  { name: 'Gather computed int32 indices', op: 'Gather', inputs: [f([6, 2]), i32([4], 'index', 6)] },
  { name: 'Expand', op: 'Expand', inputs: [f([3, 1]), ints([2, 3, 4])] },
  { name: 'Squeeze axes', op: 'Squeeze', inputs: [f([1, 3, 1, 2]), ints([0, -2])] },
  { name: 'Squeeze all', op: 'Squeeze', inputs: [f([1, 3, 1, 2])] },
  { name: 'Unsqueeze', op: 'Unsqueeze', inputs: [f([3, 2]), ints([0, -1])] },
  { name: 'ReduceSum axes, keepdims 0', op: 'ReduceSum', inputs: [f([2, 3, 4]), ints([0, 2])], attrs: { keepdims: 0 } },
  { name: 'ReduceSum all', op: 'ReduceSum', inputs: [f([2, 3, 4])] },
  { name: 'ReduceSum noop_with_empty_axes', op: 'ReduceSum', inputs: [f([2, 3])], attrs: { noop_with_empty_axes: 1 } },
  { name: 'ReduceMean', op: 'ReduceMean', inputs: [f([2, 3, 4])], attrs: { axes: [-1] } },
  { name: 'ReduceMax', op: 'ReduceMax', inputs: [f([2, 3, 4])], attrs: { axes: [1], keepdims: 0 } },
  { name: 'Softmax axis 1', op: 'Softmax', inputs: [f([2, 5, 3])], attrs: { axis: 1 } },
  { name: 'LayerNormalization axis -2, all outputs', op: 'LayerNormalization', inputs: [f([2, 3, 4]), f([3, 4]), f([4])], attrs: { axis: -2, epsilon: 1e-3 }, outputs: 3 },
  { name: 'GlobalAveragePool 2-D, long reduction (cascaded)', op: 'GlobalAveragePool', inputs: [f([2, 3, 20, 20])] },
  { name: 'GlobalAveragePool 1-D', op: 'GlobalAveragePool', inputs: [f([2, 3, 7])] },
  { name: 'GlobalMaxPool 3-D', op: 'GlobalMaxPool', inputs: [f([1, 2, 3, 4, 5])] },
  { name: 'BatchNormalization inference', op: 'BatchNormalization', inputs: [f(NCHW), f([4]), f([4]), f([4]), f([4], 'positive')], attrs: { epsilon: 1e-3 } },
  { name: 'BatchNormalization on [N, C]', op: 'BatchNormalization', inputs: [f([5, 3]), f([3]), f([3]), f([3]), f([3], 'positive')] },
  {
    name: 'BatchNormalization training (batch statistics, running statistics with the unbiased variance)',
    op: 'BatchNormalization',
    inputs: [f(NCHW), f([4]), f([4]), f([4]), f([4], 'positive')],
    attrs: { epsilon: 1e-3, momentum: 0.7, training_mode: 1 },
    outputs: 3,
  },
  { name: 'InstanceNormalization 2-D, long reduction (cascaded)', op: 'InstanceNormalization', inputs: [f([2, 3, 20, 20]), f([3]), f([3])], attrs: { epsilon: 1e-3 } },
  { name: 'InstanceNormalization 1-D', op: 'InstanceNormalization', inputs: [f([2, 3, 9]), f([3]), f([3])] },
  { name: 'GroupNormalization (opset 18, 3 groups of 2 channels)', op: 'GroupNormalization', inputs: [f([2, 6, 4, 5]), f([3]), f([3])], attrs: { num_groups: 3, epsilon: 1e-3 } },
  { name: 'Cast float → int32 truncates', op: 'Cast', inputs: [f([12])], attrs: { to: 6 } },
  { name: 'Cast int64 → float', op: 'Cast', inputs: [{ shape: [5], dtype: 'int64', draw: 'int', max: 1000 }], attrs: { to: 1 } },
  { name: 'Cast float → bool', op: 'Cast', inputs: [f([6])], attrs: { to: 9 } },
  { name: 'Constant', op: 'Constant', inputs: [], attrs: { value_floats: [1, -2.5, 3] } },
  { name: 'DFT complex, axis 1', op: 'DFT', inputs: [f([2, 6, 3, 2])], attrs: { axis: 1 } },
  { name: 'DFT real onesided', op: 'DFT', inputs: [f([3, 8, 1])], attrs: { axis: 1, onesided: 1 } },
  { name: 'DFT inverse', op: 'DFT', inputs: [f([2, 5, 2])], attrs: { axis: 1, inverse: 1 } },
  { name: 'DFT dft_length zero-pads', op: 'DFT', inputs: [f([2, 5, 2]), { const: tensor('int64', [], [8]) }], attrs: { axis: 1 } },
  { name: 'DFT dft_length truncates', op: 'DFT', inputs: [f([2, 7, 1]), { const: tensor('int64', [], [4]) }], attrs: { axis: 1 } },
  { name: 'DFT inverse onesided (irfft)', op: 'DFT', inputs: [f([2, 5, 2])], attrs: { axis: 1, inverse: 1, onesided: 1 } },
  { name: 'Split equal parts (no split input), 3 outputs', op: 'Split', inputs: [f([2, 6, 3])], attrs: { axis: 1 }, outputs: 3 },
  { name: 'Split sizes input, axis -1', op: 'Split', inputs: [f([3, 7]), ints([2, 0, 5])], attrs: { axis: -1 }, outputs: 3 },
  { name: 'Split bool', op: 'Split', inputs: [{ shape: [4, 2], dtype: 'bool', draw: 'bool' }, ints([1, 3])], outputs: 2 },
  { name: 'Tile', op: 'Tile', inputs: [f([2, 3, 1]), ints([2, 1, 3])] },
  { name: 'Tile int64', op: 'Tile', inputs: [{ shape: [3], dtype: 'int64', draw: 'int', max: 9 }, ints([4])] },
  { name: 'DepthToSpace DCR', op: 'DepthToSpace', inputs: [f([2, 8, 3, 2])], attrs: { blocksize: 2 } },
  { name: 'DepthToSpace CRD (PixelShuffle)', op: 'DepthToSpace', inputs: [f([1, 18, 2, 3])], attrs: { blocksize: 3, mode: 'CRD' } },
  { name: 'SpaceToDepth', op: 'SpaceToDepth', inputs: [f([2, 3, 4, 6])], attrs: { blocksize: 2 } },
  { name: 'CumSum axis 1', op: 'CumSum', inputs: [f([3, 5, 2]), ints([1])] },
  { name: 'CumSum exclusive reverse, negative axis', op: 'CumSum', inputs: [f([3, 5]), { const: tensor('int64', [], [-1]) }], attrs: { exclusive: 1, reverse: 1 } },
  { name: 'CumSum int32', op: 'CumSum', inputs: [i32([6]), ints([0])] },
  { name: 'Trilu upper, k 1', op: 'Trilu', inputs: [f([2, 4, 5]), { const: tensor('int64', [], [1]) }] },
  { name: 'Trilu lower, k -1', op: 'Trilu', inputs: [f([5, 3]), { const: tensor('int64', [], [-1]) }], attrs: { upper: 0 } },
  { name: 'Trilu lower default k', op: 'Trilu', inputs: [f([3, 3])], attrs: { upper: 0 } },
  { name: 'Range float', op: 'Range', inputs: [{ const: tensor('float32', [], [0.5]) }, { const: tensor('float32', [], [3.9]) }, { const: tensor('float32', [], [0.7]) }] },
  { name: 'Range int64 negative delta', op: 'Range', inputs: [{ const: tensor('int64', [], [10]) }, { const: tensor('int64', [], [-3]) }, { const: tensor('int64', [], [-4]) }] },
  { name: 'Einsum attention scores bhqd,bhkd->bhqk', op: 'Einsum', inputs: [f([2, 3, 4, 5]), f([2, 3, 6, 5])], attrs: { equation: 'bhqd,bhkd->bhqk' } },
  { name: 'Einsum bilinear bi,oij,bj->bo', op: 'Einsum', inputs: [f([4, 3]), f([5, 3, 2]), f([4, 2])], attrs: { equation: 'bi,oij,bj->bo' } },
  { name: 'Einsum ellipsis batch matmul', op: 'Einsum', inputs: [f([2, 3, 4, 5]), f([2, 3, 5, 2])], attrs: { equation: '...ij,...jk->...ik' } },
  { name: 'Einsum implicit output', op: 'Einsum', inputs: [f([3, 4]), f([4, 2])], attrs: { equation: 'ij,jk' } },
  { name: 'Einsum sum, transpose, outer', op: 'Einsum', inputs: [f([3, 4, 2]), f([5])], attrs: { equation: 'ijk,l->lki' } },
  { name: 'GatherElements axis 1, negative indices', op: 'GatherElements', inputs: [f([3, 4]), { const: tensor('int64', [3, 2], [0, -1, 3, 2, -4, 1]) }], attrs: { axis: 1 } },
  { name: 'GatherElements computed int32 indices, axis 0', op: 'GatherElements', inputs: [f([4, 3]), i32([5, 3], 'index', 4)] },
  { name: 'ScatterElements none, axis 1', op: 'ScatterElements', inputs: [f([3, 4]), { const: tensor('int64', [3, 2], [0, -1, 3, 2, 1, 0]) }, f([3, 2])], attrs: { axis: 1 } },
  { name: 'ScatterElements add, repeated indices', op: 'ScatterElements', inputs: [f([3, 3]), { const: tensor('int64', [2, 3], [1, 1, 1, 1, 0, 2]) }, f([2, 3])], attrs: { reduction: 'add' } },
  { name: 'ScatterElements mul', op: 'ScatterElements', inputs: [f([3, 3]), { const: tensor('int64', [2, 3], [1, 1, 1, 1, 0, 2]) }, f([2, 3])], attrs: { reduction: 'mul' } },
  { name: 'ScatterND none, slices', op: 'ScatterND', inputs: [f([4, 3, 2]), { const: tensor('int64', [2, 1], [3, -4]) }, f([2, 3, 2])] },
  { name: 'ScatterND add, repeated elements', op: 'ScatterND', inputs: [f([3, 4]), { const: tensor('int64', [3, 2], [0, 1, 2, 3, 0, 1]) }, f([3])], attrs: { reduction: 'add' } },
  { name: 'ScatterND mul', op: 'ScatterND', inputs: [f([3, 4]), { const: tensor('int64', [3, 2], [0, 1, 2, 3, 0, 1]) }, f([3])], attrs: { reduction: 'mul' } },
  { name: 'DepthToSpace uint8', op: 'DepthToSpace', inputs: [{ shape: [1, 4, 2, 2], dtype: 'uint8', draw: 'index', max: 200 }], attrs: { blocksize: 2 } },
  { name: 'GatherElements bool', op: 'GatherElements', inputs: [{ shape: [3, 4], dtype: 'bool', draw: 'bool' }, { const: tensor('int64', [2, 4], [0, 1, 2, 0, -1, 2, 0, 1]) }] },
  { name: 'ScatterElements int64 none', op: 'ScatterElements', inputs: [{ shape: [3, 4], dtype: 'int64', draw: 'int', max: 50 }, { const: tensor('int64', [1, 4], [2, 0, 1, 2]) }, { shape: [1, 4], dtype: 'int64', draw: 'int', max: 50 }] },
  { name: 'ScatterND bool none', op: 'ScatterND', inputs: [{ shape: [4, 2], dtype: 'bool', draw: 'bool' }, { const: tensor('int64', [2, 1], [1, 3]) }, { shape: [2, 2], dtype: 'bool', draw: 'bool' }] },
  { name: 'Trilu bool', op: 'Trilu', inputs: [{ shape: [3, 4], dtype: 'bool', draw: 'bool' }] },
  { name: 'Sign', op: 'Sign', inputs: [floats([-2, -0, 0, 3.5])] },
  { name: 'Sign int32', op: 'Sign', inputs: [i32([8])] },
  { name: 'Floor', op: 'Floor', inputs: [f([9])] },
  { name: 'Ceil', op: 'Ceil', inputs: [f([9])] },
  { name: 'Round halves to even', op: 'Round', inputs: [floats([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.7])] },
  { name: 'ArgMax axis 1, ties, select_last_index', op: 'ArgMax', inputs: [i32([3, 6, 2], 'int', 1)], attrs: { axis: 1, select_last_index: 1 } },
  { name: 'ArgMax keepdims 0, ties first', op: 'ArgMax', inputs: [i32([4, 5], 'int', 1)], attrs: { axis: -1, keepdims: 0 } },
  { name: 'ArgMin float', op: 'ArgMin', inputs: [f([3, 4])], attrs: { axis: 0 } },
  { name: 'ArgMin ties, select_last_index', op: 'ArgMin', inputs: [i32([5, 3], 'int', 1)], attrs: { select_last_index: 1, keepdims: 0 } },
];

function draw(c: Exclude<CaseInput, null | { const: Tensor }>, seedLabel: string): Tensor {
  const rng = rngFor(7, seedLabel);
  const n = sizeOf(c.shape);
  const max = c.max ?? 5;
  const values = Array.from({ length: n }, () => {
    switch (c.draw ?? 'normal') {
      case 'normal':
        return rng.normal();
      case 'positive':
        return 0.1 + 2 * rng.uniform();
      case 'negative':
        return -0.1 - 2 * rng.uniform();
      case 'int':
        return rng.int(2 * max + 1) - max;
      case 'nonzeroInt':
        return (rng.int(max) + 1) * (rng.uniform() < 0.5 ? -1 : 1);
      case 'bool':
        return rng.int(2);
      case 'index':
        return rng.int(max);
    }
  });
  return tensor(c.dtype ?? 'float32', c.shape, values);
}

/** The case as a one-node graph whose outputs are the node's outputs, and its random feeds. */
export function caseGraph(c: OpCase): { graph: Graph; feeds: Record<string, Tensor> } {
  const b = new GraphBuilder(c.name.replace(/\W+/g, '_'));
  const feeds: Record<string, Tensor> = {};
  const inputs: (Value | null)[] = c.inputs.map((inp, k) => {
    if (inp === null) return null;
    if ('const' in inp) return b.constant(inp.const);
    const t = draw(inp, `${c.name}#${k}`);
    feeds[`in${k}`] = t;
    return b.input(`in${k}`, t.dtype, t.shape);
  });
  const outs = b.op(c.op, inputs, c.attrs ?? {}, { outputs: c.outputs ?? 1 });
  outs.forEach((v, k) => b.output(v, `out${k}`));
  return { graph: b.build(), feeds };
}
