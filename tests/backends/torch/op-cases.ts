import type { Tolerance } from '../../../src/conformance/compare.ts';
import type { Rng } from '../../../src/data/rng.ts';
import { GraphBuilder, type Value } from '../../../src/graph/builder.ts';
import type { DType } from '../../../src/graph/dtype.ts';
import type { Graph } from '../../../src/graph/ir.ts';
import { sizeOf, tensor, type Tensor } from '../../../src/graph/tensor.ts';

/** One small graph per op (or group of similar ops), shared by the forward and the gradient comparisons. */
export type Input = (name: string, shape: number[], opts?: { dtype?: DType; lo?: number; hi?: number }) => Value;
export interface Case {
  readonly ops: readonly string[];
  readonly build: (b: GraphBuilder, input: Input) => Value | Value[];
  readonly tol?: Tolerance;
}

const c = (ops: string | string[], build: Case['build'], tol?: Tolerance): Case => ({ ops: typeof ops === 'string' ? [ops] : ops, build, ...(tol ? { tol } : {}) });

/** Each case builds a small graph around one op, with attributes away from the defaults where ONNX allows. */
export const CASES: Record<string, Case> = {
  'Abs Neg Exp Sin Cos Tanh Sigmoid Relu Erf Softplus Identity': c(
    ['Abs', 'Neg', 'Exp', 'Sin', 'Cos', 'Tanh', 'Sigmoid', 'Relu', 'Erf', 'Softplus', 'Identity'],
    (b, x) => {
      const v = x('x', [3, 5], { lo: -3, hi: 3 });
      return ['Abs', 'Neg', 'Exp', 'Sin', 'Cos', 'Tanh', 'Sigmoid', 'Relu', 'Erf', 'Softplus', 'Identity'].map((op) => b.op1(op, [v]));
    },
  ),
  'Sqrt Log on positives': c(['Sqrt', 'Log'], (b, x) => {
    const v = x('x', [4, 3], { lo: 0.05, hi: 4 });
    return [b.sqrt(v), b.log(v)];
  }),
  'LeakyRelu alpha 0.2': c('LeakyRelu', (b, x) => b.leakyRelu(x('x', [6]), 0.2)),
  'Clip with min and max inputs, max only, none': c('Clip', (b, x) => {
    const v = x('x', [3, 4], { lo: -3, hi: 3 });
    const [lo, hi] = [x('lo', [], { lo: -1.2, hi: -0.8 }), x('hi', [], { lo: 0.8, hi: 1.2 })];
    return [b.op1('Clip', [v, lo, hi]), b.op1('Clip', [v, null, hi]), b.op1('Clip', [v])];
  }),
  'PRelu per channel and on the last axis': c('PRelu', (b, x) => {
    const v = x('x', [2, 3, 4, 5]);
    return [b.op1('PRelu', [v, x('s', [3, 1, 1], { lo: 0, hi: 0.5 })]), b.op1('PRelu', [v, x('t', [5], { lo: 0, hi: 0.5 })])];
  }),
  'HardSigmoid (torch and general α, β) HardSwish Softsign': c(['HardSigmoid', 'HardSwish', 'Softsign'], (b, x) => {
    const v = x('x', [4, 5], { lo: -5, hi: 5 });
    return [b.op1('HardSigmoid', [v], { alpha: 1 / 6, beta: 0.5 }), b.op1('HardSigmoid', [v], { alpha: 0.3, beta: 0.4 }), b.op1('HardSwish', [v]), b.op1('Softsign', [v])];
  }),
  'Elu Selu Celu with attributes': c(['Elu', 'Selu', 'Celu'], (b, x) => {
    const v = x('x', [4, 5], { lo: -3, hi: 3 });
    return [b.op1('Elu', [v], { alpha: 0.7 }), b.op1('Selu', [v]), b.op1('Selu', [v], { alpha: 1.5, gamma: 1.2 }), b.op1('Celu', [v], { alpha: 0.5 })];
  }),
  'Add Sub Mul Div with broadcasting': c(['Add', 'Sub', 'Mul', 'Div'], (b, x) => {
    const [p, q] = [x('p', [2, 3, 4]), x('q', [3, 1], { lo: 0.5, hi: 2 })];
    return [b.add(p, q), b.sub(q, p), b.mul(p, q), b.div(p, q)];
  }),
  'Pow with a broadcast exponent': c('Pow', (b, x) => b.pow(x('x', [3, 4], { lo: 0.1, hi: 2 }), x('e', [4], { lo: -2, hi: 3 }))),
  'Max Min of three broadcast inputs': c(['Max', 'Min'], (b, x) => {
    const vs = [x('a', [2, 3]), x('b', [3]), x('c', [2, 1])];
    return [b.max(...vs), b.min(...vs)];
  }),
  'Equal Greater Less Where': c(['Equal', 'Greater', 'Less', 'Where'], (b, x) => {
    const [p, q] = [x('p', [3, 4], { dtype: 'int32', lo: 0, hi: 3 }), x('q', [4], { dtype: 'int32', lo: 0, hi: 3 })];
    const [f, g] = [x('f', [3, 4]), x('g', [3, 4])];
    return [b.equal(p, q), b.greater(p, q), b.less(f, g), b.where(b.greater(f, g), f, b.neg(g))];
  }),
  'MatMul batched with broadcast': c('MatMul', (b, x) => b.matmul(x('a', [2, 1, 3, 4]), x('b', [3, 4, 5]))),
  'Gemm transA transB alpha beta': c('Gemm', (b, x) => b.gemm(x('a', [4, 3]), x('b', [5, 4]), x('c', [5]), { transA: 1, transB: 1, alpha: 0.7, beta: -1.3 })),
  'Conv 2-D, stride, asymmetric pads, dilation, groups': c('Conv', (b, x) =>
    b.conv(x('x', [2, 4, 7, 6]), x('w', [6, 2, 3, 2]), x('bias', [6]), { strides: [2, 1], pads: [1, 0, 2, 1], dilations: [1, 2], group: 2 }),
  ),
  'Conv 1-D SAME_UPPER': c('Conv', (b, x) => b.conv(x('x', [1, 2, 9]), x('w', [3, 2, 4]), null, { strides: [2], auto_pad: 'SAME_UPPER' })),
  'ConvTranspose stride, pads, output_padding': c('ConvTranspose', (b, x) =>
    b.convTranspose(x('x', [1, 4, 3, 4]), x('w', [4, 3, 3, 3]), x('bias', [3]), { strides: [2, 2], pads: [1, 0, 0, 1], output_padding: [1, 0] }),
  ),
  'MaxPool asymmetric pads, dilation, ceil_mode': c('MaxPool', (b, x) =>
    b.maxPool(x('x', [1, 2, 7, 8]), { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 0, 1], dilations: [1, 2], ceil_mode: 1 }),
  ),
  'AveragePool count_include_pad 0 and 1': c('AveragePool', (b, x) => {
    const v = x('x', [1, 3, 6, 5]);
    return [0, 1].map((cip) => b.averagePool(v, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 0], count_include_pad: cip }));
  }),
  // ceil_mode where the last window would start in the end padding (4 + 1 + 1 − 2 = 4 over stride 3): onnxruntime
  // drops it and gives 2 per axis, the ONNX output-size formula alone gives 3 (the torch interpreter did).
  'MaxPool and AveragePool ceil_mode, last window dropped': c(['MaxPool', 'AveragePool'], (b, x) => {
    const v = x('x', [1, 2, 4, 5]);
    const attrs = { kernel_shape: [2, 2], strides: [3, 3], pads: [1, 1, 1, 1], ceil_mode: 1 };
    return [b.maxPool(v, attrs), ...[0, 1].map((cip) => b.averagePool(v, { ...attrs, count_include_pad: cip }))];
  }),
  'Resize nearest and linear': c('Resize', (b, x) => {
    const v = x('x', [1, 2, 4, 5]);
    return [
      b.resize(v, { scales: [1, 1, 2, 1.5] }, { mode: 'nearest', nearest_mode: 'floor', coordinate_transformation_mode: 'asymmetric' }),
      b.resize(v, { sizes: [1, 2, 7, 3] }, { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }),
      b.resize(v, { sizes: [1, 2, 8, 9] }, { mode: 'linear', coordinate_transformation_mode: 'align_corners' }),
      b.resize(v, { scales: [1, 1, 0.5, 2] }, { mode: 'nearest', coordinate_transformation_mode: 'pytorch_half_pixel' }),
    ];
  }),
  'Reshape with 0 and -1, Transpose, Concat': c(['Reshape', 'Transpose', 'Concat'], (b, x) => {
    const v = x('x', [2, 3, 4]);
    return [b.reshape(v, [0, -1]), b.transpose(v, [2, 0, 1]), b.concat([v, b.transpose(x('y', [2, 4, 3]), [0, 2, 1])], 2)];
  }),
  'Slice with negative steps and clamped ends': c('Slice', (b, x) => {
    const v = x('x', [5, 6, 3]);
    return [b.slice(v, [4, -1], [-100, 1], [0, 1], [-2, -3]), b.slice(v, [1, 0], [100, 2], [1, 2])];
  }),
  'Pad constant, reflect, edge': c('Pad', (b, x) => {
    const v = x('x', [3, 4]);
    return [b.pad(v, [1, 2, 0, 1], 'constant', 0.5), b.pad(v, [2, 1, 1, 3], 'reflect'), b.pad(v, [0, 2, 3, 1], 'edge')];
  }),
  'Gather with negative indices': c('Gather', (b, x) => b.gather(x('x', [4, 5]), b.constant(tensor('int64', [2, 2], [0, -1, 2, -3])), 1)),
  'Expand Squeeze Unsqueeze': c(['Expand', 'Squeeze', 'Unsqueeze'], (b, x) => {
    const v = x('x', [3, 1]);
    return [b.expand(v, [2, 3, 4]), b.squeeze(x('y', [1, 3, 1, 2]), [0, 2]), b.unsqueeze(v, [0, -1])];
  }),
  'ReduceSum ReduceMean ReduceMax': c(['ReduceSum', 'ReduceMean', 'ReduceMax'], (b, x) => {
    const v = x('x', [2, 3, 4]);
    return [b.reduceSum(v, [0, 2], false), b.reduceMean(v, [1]), b.reduceMax(v, [-1], false), b.reduceSum(v)];
  }),
  'Softmax on axis 1': c('Softmax', (b, x) => b.softmax(x('x', [2, 5, 3], { lo: -4, hi: 4 }), 1)),
  'LayerNormalization with its statistics': c('LayerNormalization', (b, x) =>
    b.op('LayerNormalization', [x('x', [2, 3, 4]), x('s', [3, 4]), x('bias', [4])], { axis: 1, epsilon: 1e-3 }),
  ),
  'GlobalAveragePool GlobalMaxPool': c(['GlobalAveragePool', 'GlobalMaxPool'], (b, x) => {
    const v = x('x', [2, 3, 5, 4]);
    return [b.op1('GlobalAveragePool', [v]), b.op1('GlobalMaxPool', [v]), b.op1('GlobalMaxPool', [x('y', [2, 2, 7])])];
  }),
  // The statistics are constants, as an exported module's running statistics are (torch gives them no gradient).
  'BatchNormalization inference': c('BatchNormalization', (b, x) => {
    const stats = [tensor('float32', [3], [0.3, -0.2, 0.1]), tensor('float32', [3], [0.5, 1.5, 2])].map((t) => b.constant(t));
    return b.op1('BatchNormalization', [x('x', [2, 3, 4, 2]), x('s', [3]), x('bias', [3]), ...stats], { epsilon: 1e-3 });
  }),
  // Training mode: batch statistics normalize; the running statistics move with torch's unbiased variance.
  'BatchNormalization training': c('BatchNormalization', (b, x) =>
    b.op('BatchNormalization', [x('x', [2, 3, 4, 2]), x('s', [3]), x('bias', [3]), x('mean', [3]), x('var', [3], { lo: 0.5, hi: 2 })], { epsilon: 1e-3, momentum: 0.7, training_mode: 1 }),
  ),
  'InstanceNormalization': c('InstanceNormalization', (b, x) =>
    b.op1('InstanceNormalization', [x('x', [2, 3, 4, 5]), x('s', [3]), x('bias', [3])], { epsilon: 1e-3 }),
  ),
  'GroupNormalization (opset 18, per-group scale)': c('GroupNormalization', (b, x) =>
    b.op1('GroupNormalization', [x('x', [2, 6, 4, 3]), x('s', [3]), x('bias', [3])], { num_groups: 3, epsilon: 1e-3 }),
  ),
  'Mish (opset 18)': c('Mish', (b, x) => b.mish(x('x', [3, 7], { lo: -5, hi: 5 }))),
  'Cast and Constant': c(['Cast', 'Constant'], (b, x) => {
    const k = b.op1('Constant', [], { value: tensor('float32', [2], [1.5, -2]) });
    return [b.cast(b.mul(x('x', [2], { lo: -5, hi: 5 }), k), 'int32'), b.cast(x('y', [3]), 'float64')];
  }),
  'Split equal and sized, Tile': c(['Split', 'Tile'], (b, x) => {
    const v = x('x', [2, 6, 3]);
    return [...b.op('Split', [v], { axis: 1 }, { outputs: 3 }), ...b.op('Split', [v, b.ints([1, 2])], { axis: -1 }, { outputs: 2 }), b.op1('Tile', [v, b.ints([2, 1, 3])])];
  }),
  'DepthToSpace DCR and CRD, SpaceToDepth': c(['DepthToSpace', 'SpaceToDepth'], (b, x) => {
    const v = x('x', [2, 8, 2, 3]);
    return [
      b.op1('DepthToSpace', [v], { blocksize: 2 }),
      b.op1('DepthToSpace', [v], { blocksize: 2, mode: 'CRD' }),
      b.op1('SpaceToDepth', [x('y', [1, 2, 4, 6])], { blocksize: 2 }),
    ];
  }),
  'Einsum attention, bilinear, ellipsis, implicit, sum-transpose-outer': c('Einsum', (b, x) => {
    const [q, k] = [x('q', [2, 3, 4, 5]), x('k', [2, 3, 6, 5])];
    const [u, w, v] = [x('u', [4, 3]), x('w', [5, 3, 2]), x('v', [4, 2])];
    return [
      b.op1('Einsum', [q, k], { equation: 'bhqd,bhkd->bhqk' }),
      b.op1('Einsum', [u, w, v], { equation: 'bi,oij,bj->bo' }),
      b.op1('Einsum', [q, b.op1('Transpose', [k], { perm: [0, 1, 3, 2] })], { equation: '...ij,...jk->...ik' }),
      b.op1('Einsum', [u, x('m', [3, 6])], { equation: 'ij,jk' }),
      b.op1('Einsum', [w, x('l', [4])], { equation: 'ijk,l->lki' }),
    ];
  }),
  'CumSum (plain and exclusive reverse), Trilu (upper and lower)': c(['CumSum', 'Trilu'], (b, x) => {
    const v = x('x', [3, 4, 5]);
    return [
      b.op1('CumSum', [v, b.ints([1])]),
      b.op1('CumSum', [v, b.constant(tensor('int64', [], [-1]))], { exclusive: 1, reverse: 1 }),
      b.op1('Trilu', [v, b.constant(tensor('int64', [], [1]))]),
      b.op1('Trilu', [v, b.constant(tensor('int64', [], [-1]))], { upper: 0 }),
    ];
  }),
  'Range scaling an input': c('Range', (b, x) => {
    const r = b.op1('Range', [b.scalar(0.5), b.scalar(3.9), b.scalar(0.7)]);
    return [b.mul(x('x', [2, 5]), r), b.op1('Range', [b.scalar(10, 'int64'), b.scalar(-3, 'int64'), b.scalar(-4, 'int64')])];
  }),
  'GatherElements, ScatterElements and ScatterND (none, add, mul)': c(['GatherElements', 'ScatterElements', 'ScatterND'], (b, x) => {
    const v = x('x', [3, 4]);
    const idx = b.constant(tensor('int64', [3, 2], [0, -1, 3, 2, 1, 0]));
    const nd = b.constant(tensor('int64', [3, 2], [0, 1, 2, 3, 0, 1]));
    const dup = b.constant(tensor('int64', [2, 4], [1, 1, 0, 2, 1, 0, 0, 2]));
    return [
      b.op1('GatherElements', [v, idx], { axis: 1 }),
      b.op1('GatherElements', [v, dup], { axis: 0 }),
      b.op1('ScatterElements', [v, idx, x('u', [3, 2])], { axis: 1 }),
      b.op1('ScatterElements', [v, dup, x('w', [2, 4])], { reduction: 'add' }),
      b.op1('ScatterND', [v, b.constant(tensor('int64', [2, 1], [2, -3])), x('s', [2, 4])]),
      b.op1('ScatterND', [v, nd, x('e', [3])], { reduction: 'add' }),
      b.op1('ScatterElements', [v, dup, x('w2', [2, 4])], { reduction: 'mul' }),
      b.op1('ScatterND', [v, nd, x('e2', [3])], { reduction: 'mul' }),
    ];
  }),
  'Sign Floor Ceil Round, and the values ArgMax ArgMin select': c(['Sign', 'Floor', 'Ceil', 'Round', 'ArgMax', 'ArgMin'], (b, x) => {
    const v = x('x', [4, 5], { lo: -3, hi: 3 });
    const at = (op: string, attrs: Record<string, number>) => b.op1('GatherElements', [v, b.op1(op, [v], attrs)], { axis: 1 });
    return [
      ...['Sign', 'Floor', 'Ceil', 'Round'].map((op) => b.mul(b.op1(op, [v]), v)),
      at('ArgMax', { axis: 1 }),
      at('ArgMin', { axis: -1, select_last_index: 1 }),
      b.op1('ArgMax', [v], { axis: 0, keepdims: 0 }),
    ];
  }),
  'DFT forward, inverse, rfft, irfft, dft_length': c(
    'DFT',
    (b, x) => {
      const cx = x('c', [2, 6, 2]);
      const re = x('r', [3, 8, 1]);
      return [
        b.dft(cx, { axis: 1 }),
        b.dft(cx, { axis: 1, inverse: true }),
        b.dft(re, { axis: 1, onesided: true }),
        b.dft(b.dft(re, { axis: 1, onesided: true }), { axis: 1, onesided: true, inverse: true, length: 8 }),
        b.dft(re, { axis: 1, length: 5 }),
      ];
    },
    { rtol: 1e-4, atol: 1e-5 },
  ),
};

export function randomFeeds(rng: Rng, build: Case['build']): { graph: Graph; feeds: Record<string, Tensor> } {
  const b = new GraphBuilder('op-case');
  const feeds: Record<string, Tensor> = {};
  const input: Input = (name, shape, opts = {}) => {
    const dtype = opts.dtype ?? 'float32';
    const [lo, hi] = [opts.lo ?? -2, opts.hi ?? 2];
    const values = Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * rng.uniform());
    feeds[name] = tensor(dtype, shape, dtype === 'int32' ? values.map(Math.floor) : values);
    return b.input(name, dtype, shape);
  };
  const outs = build(b, input);
  (Array.isArray(outs) ? outs : [outs]).forEach((v, k) => b.output(v, `out${k}`));
  return { graph: b.build(), feeds };
}
