import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Value } from '../../src/graph/builder.ts';
import type { DType } from '../../src/graph/dtype.ts';
import { tensor } from '../../src/graph/tensor.ts';

/** A builder with float32 inputs of the given shapes. */
function withInputs(...shapes: number[][]): [GraphBuilder, ...Value[]] {
  const b = new GraphBuilder('t');
  return [b, ...shapes.map((s, i) => b.input(`x${i}`, 'float32', s))];
}
const typeOf = (v: Value): [DType, readonly number[]] => [v.dtype, v.shape];

describe('shape and dtype inference per op (opset 17)', () => {
  it('broadcasts elementwise and comparison ops, and variadic Max/Min', () => {
    const [b, a, c, d] = withInputs([2, 1, 4], [3, 1], [4]);
    expect(typeOf(b.add(a, c))).toEqual(['float32', [2, 3, 4]]);
    expect(typeOf(b.max(a, c, d))).toEqual(['float32', [2, 3, 4]]);
    expect(typeOf(b.min(d))).toEqual(['float32', [4]]);
    expect(typeOf(b.greater(a, d))).toEqual(['bool', [2, 1, 4]]);
    expect(typeOf(b.where(b.less(a, c), a, d))).toEqual(['float32', [2, 3, 4]]);
    expect(typeOf(b.pow(a, b.scalar(2, 'int64' as DType)))).toEqual(['float32', [2, 1, 4]]);
    expect(() => b.op1('Add', [a, b.input('z', 'float32', [5])], {}, { name: 'sum' })).toThrow(
      'node "sum" (Add): shapes [2, 1, 4] and [5] do not broadcast (axis 2: 4 vs 5)',
    );
    expect(() => b.op1('Where', [a, a, a], {}, { name: 'w' })).toThrow('node "w" (Where): input "x0" has dtype float32; Where takes bool');
  });

  it('keeps the type through activations, and lowers gelu to Erf·Mul·Add', () => {
    const [b, x] = withInputs([3, 5]);
    for (const v of [b.relu(x), b.sigmoid(x), b.leakyRelu(x, 0.2), b.erf(x), b.softplus(x), b.gelu(x)]) expect(typeOf(v)).toEqual(['float32', [3, 5]]);
    expect(b.build().nodes.slice(-5).map((n) => n.op)).toEqual(['Mul', 'Erf', 'Add', 'Mul', 'Mul']);
  });

  it('Gemm with transposes and a broadcast C', () => {
    const [b, a, w, c] = withInputs([4, 3], [5, 4], [5]);
    expect(typeOf(b.gemm(a, w, c, { transA: 1, transB: 1 }))).toEqual(['float32', [3, 5]]);
    expect(() => b.op1('Gemm', [a, w], {}, { name: 'g' })).toThrow('node "g" (Gemm): inner dimensions differ: op(A) is [4, 3], op(B) is [5, 4]');
  });

  it('Conv 1-D/2-D: strides, pads, dilations, groups, auto_pad', () => {
    const [b, x1, w1, x2, w2] = withInputs([2, 4, 10], [6, 2, 3], [1, 3, 7, 8], [4, 3, 3, 3]);
    expect(typeOf(b.conv(x1, w1, null, { group: 2, strides: [2], pads: [1, 1] }))).toEqual(['float32', [2, 6, 5]]);
    expect(typeOf(b.conv(x2, w2, null, { dilations: [2, 2] }))).toEqual(['float32', [1, 4, 3, 4]]);
    expect(typeOf(b.conv(x2, w2, null, { auto_pad: 'SAME_UPPER', strides: [2, 2] }))).toEqual(['float32', [1, 4, 4, 4]]);
    expect(typeOf(b.conv(x2, w2, null, { auto_pad: 'VALID' }))).toEqual(['float32', [1, 4, 5, 6]]);
    expect(() => b.op1('Conv', [x2, w2], { auto_pad: 'SAME_LOWER', dilations: [2, 1] }, { name: 'cd' })).toThrow('node "cd" (Conv): auto_pad "SAME_LOWER" with dilations [2, 1] is refused');
    expect(() => b.op1('Conv', [x2, w1], {}, { name: 'c' })).toThrow('node "c" (Conv): weight [6, 2, 3] must have the input\'s rank 4');
    expect(() => b.op1('Conv', [x1, w1], { group: 3 }, { name: 'c3' })).toThrow('node "c3" (Conv): group 3 must divide input channels 4 and output channels 6');
  });

  it('ConvTranspose with strides, pads, output_padding and output_shape', () => {
    const [b, x, w] = withInputs([1, 2, 3, 3], [2, 3, 3, 3]);
    expect(typeOf(b.convTranspose(x, w))).toEqual(['float32', [1, 3, 5, 5]]);
    expect(typeOf(b.convTranspose(x, w, null, { strides: [3, 2], pads: [1, 2, 1, 2], output_padding: [1, 1] }))).toEqual(['float32', [1, 3, 8, 4]]);
    expect(typeOf(b.convTranspose(x, w, null, { strides: [3, 2], output_shape: [10, 8] }))).toEqual(['float32', [1, 3, 10, 8]]);
    expect(() => b.op1('ConvTranspose', [x, w], { output_padding: [2, 2] }, { name: 'ct' })).toThrow('node "ct" (ConvTranspose): output_padding 2 on axis 0 must be smaller than the stride or dilation');
  });

  it('AveragePool and MaxPool: ceil_mode, pads; MaxPool sugar makes Y only', () => {
    const [b, x] = withInputs([1, 1, 5, 5]);
    expect(typeOf(b.averagePool(x, { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }))).toEqual(['float32', [1, 1, 3, 3]]);
    expect(typeOf(b.maxPool(x, { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] }))).toEqual(['float32', [1, 1, 3, 3]]);
    expect(b.build().nodes.at(-1)!.outputs).toHaveLength(1);
    const [y, idx] = b.op('MaxPool', [x], { kernel_shape: [2, 2] });
    expect([typeOf(y), typeOf(idx)]).toEqual([['float32', [1, 1, 4, 4]], ['int64', [1, 1, 4, 4]]]);
    expect(() => b.op1('AveragePool', [x], { kernel_shape: [6, 6] }, { name: 'p' })).toThrow('node "p" (AveragePool): window of extent 6 on axis 0 is larger than the padded input 5');
  });

  it('Resize by sizes or scales; cubic and tf modes are refused clearly', () => {
    const [b, x] = withInputs([1, 2, 4, 6]);
    expect(typeOf(b.resize(x, { scales: [1, 1, 2, 0.5] }, { mode: 'linear' }))).toEqual(['float32', [1, 2, 8, 3]]);
    expect(typeOf(b.resize(x, { sizes: [1, 2, 3, 3] }))).toEqual(['float32', [1, 2, 3, 3]]);
    expect(() => b.op1('Resize', [x, null, b.constant(tensor('float32', [4], [1, 1, 2, 2]))], { mode: 'cubic' }, { name: 'up' })).toThrow(
      'node "up" (Resize): mode "cubic" is not supported; tandem supports nearest, linear',
    );
    expect(() => b.resize(x, { sizes: [1, 2, 3, 3] }, { coordinate_transformation_mode: 'tf_crop_and_resize' })).toThrow(/coordinate_transformation_mode "tf_crop_and_resize" is not supported/);
  });

  it('Reshape (0 and -1), Transpose, Concat, Squeeze, Unsqueeze, Expand', () => {
    const [b, x, y] = withInputs([2, 3, 4], [2, 5, 4]);
    expect(typeOf(b.reshape(x, [0, -1]))).toEqual(['float32', [2, 12]]);
    expect(typeOf(b.transpose(x))).toEqual(['float32', [4, 3, 2]]);
    expect(typeOf(b.transpose(x, [1, 0, 2]))).toEqual(['float32', [3, 2, 4]]);
    expect(typeOf(b.concat([x, y], 1))).toEqual(['float32', [2, 8, 4]]);
    expect(typeOf(b.unsqueeze(x, [0, -1]))).toEqual(['float32', [1, 2, 3, 4, 1]]);
    expect(typeOf(b.squeeze(b.unsqueeze(x, [1]), [1]))).toEqual(['float32', [2, 3, 4]]);
    expect(typeOf(b.expand(b.reshape(x, [2, 1, 12]), [3, 12]))).toEqual(['float32', [2, 3, 12]]);
    expect(() => b.op1('Reshape', [x, b.ints([5, -1])], {}, { name: 'r' })).toThrow('node "r" (Reshape): cannot reshape [2, 3, 4] (24 elements) to [5, -1]');
    expect(() => b.op1('Concat', [x, y], { axis: 2 }, { name: 'cat' })).toThrow('node "cat" (Concat): shapes [2, 3, 4], [2, 5, 4] differ outside axis 2');
    expect(() => b.op1('Squeeze', [x, b.ints([0])], {}, { name: 'sq' })).toThrow('node "sq" (Squeeze): cannot squeeze axis 0 of size 2');
  });

  it('Slice (axes, negative steps, clamping), Gather, Pad (constant, reflect, circular sugar)', () => {
    const [b, x] = withInputs([20, 10, 5]);
    expect(typeOf(b.slice(x, [0, 0, 3], [20, 10, 4], undefined, [1, 1, 1]))).toEqual(['float32', [20, 10, 1]]);
    expect(typeOf(b.slice(x, [-1], [-1000], [1], [-2]))).toEqual(['float32', [20, 5, 5]]);
    expect(typeOf(b.slice(x, [1], [1000], [0]))).toEqual(['float32', [19, 10, 5]]);
    expect(typeOf(b.gather(x, b.constant(tensor('int64', [2, 2], [0, 1, 2, 3])), 1))).toEqual(['float32', [20, 2, 2, 5]]);
    expect(() => b.op1('Gather', [x, x], {}, { name: 'gx' })).toThrow('node "gx" (Gather): indices must be int32 or int64, got float32');
    expect(typeOf(b.pad(x, [0, 1, 2, 0, 1, 2], 'reflect'))).toEqual(['float32', [20, 12, 9]]);
    expect(typeOf(b.pad(x, [0, 0, -1, 0, 0, -1]))).toEqual(['float32', [20, 10, 3]]);
    expect(typeOf(b.pad(x, [0, 2, 1, 0, 3, 1], 'circular'))).toEqual(['float32', [20, 15, 7]]);
    expect(() => b.op1('Slice', [x, b.ints([0]), b.ints([1]), b.ints([0]), b.ints([0])], {}, { name: 's' })).toThrow('node "s" (Slice): step on axis 0 is 0');
    expect(() => b.op1('Pad', [x, b.ints([0, 0, 5, 0, 0, 0])], { mode: 'reflect' }, { name: 'p' })).toThrow(/node "p" \(Pad\): reflect pads .* must be smaller than each padded axis/);
  });

  it('ReduceSum (axes input, noop_with_empty_axes), ReduceMean/ReduceMax (axes attribute), keepdims', () => {
    const [b, x] = withInputs([2, 3, 4]);
    expect(typeOf(b.reduceSum(x, [-1]))).toEqual(['float32', [2, 3, 1]]);
    expect(typeOf(b.reduceSum(x))).toEqual(['float32', [1, 1, 1]]);
    expect(typeOf(b.op1('ReduceSum', [x, b.constant(tensor('int64', [0]))], { noop_with_empty_axes: 1 }))).toEqual(['float32', [2, 3, 4]]);
    expect(typeOf(b.reduceMean(x, [0, 2], false))).toEqual(['float32', [3]]);
    expect(typeOf(b.reduceMax(x, undefined, false))).toEqual(['float32', []]);
    expect(() => b.op1('ReduceMean', [x], { axes: [1, -2] }, { name: 'm' })).toThrow('node "m" (ReduceMean): axes [1, -2] repeat an axis');
  });

  it('Softmax, LayerNormalization (with its optional statistics), Cast, Constant, Identity', () => {
    const [b, x, s] = withInputs([2, 3, 4], [3, 4]);
    expect(typeOf(b.softmax(x, 1))).toEqual(['float32', [2, 3, 4]]);
    expect(typeOf(b.layerNorm(x, s, null, { axis: 1 }))).toEqual(['float32', [2, 3, 4]]);
    const [y, mean, inv] = b.op('LayerNormalization', [x, s], { axis: -2 });
    expect([typeOf(y), typeOf(mean), typeOf(inv)]).toEqual([['float32', [2, 3, 4]], ['float32', [2, 1, 1]], ['float32', [2, 1, 1]]]);
    expect(() => b.layerNorm(x, s, null, { axis: -1 })).toThrow(/x1 \[3, 4\] does not broadcast to the normalized block \[4\]/);
    expect(typeOf(b.cast(x, 'int64'))).toEqual(['int64', [2, 3, 4]]);
    expect(typeOf(b.op1('Constant', [], { value_ints: [1, 2, 3] }))).toEqual(['int64', [3]]);
    expect(typeOf(b.identity(x))).toEqual(['float32', [2, 3, 4]]);
    expect(() => b.op1('Softmax', [x], { axis: 3 }, { name: 'sm' })).toThrow('node "sm" (Softmax): axis 3 is out of range for rank 3');
    expect(() => b.op1('Cast', [x], { to: 10 }, { name: 'half' })).toThrow('node "half" (Cast): Cast to ONNX data type 10 is not supported');
  });

  it('DFT: complex out, onesided, dft_length, irfft', () => {
    const [b, real, cplx] = withInputs([2, 8, 1], [2, 5, 2]);
    expect(typeOf(b.dft(real))).toEqual(['float32', [2, 8, 2]]);
    expect(typeOf(b.dft(real, { onesided: true }))).toEqual(['float32', [2, 5, 2]]);
    expect(typeOf(b.dft(real, { length: 12 }))).toEqual(['float32', [2, 12, 2]]);
    expect(typeOf(b.dft(cplx, { onesided: true, inverse: true }))).toEqual(['float32', [2, 8, 1]]);
    expect(() => b.op1('DFT', [real], { axis: 2 }, { name: 'fft' })).toThrow('node "fft" (DFT): DFT axis cannot be the trailing real/complex axis');
  });
});
