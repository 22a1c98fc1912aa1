import { tensor } from '../../../src/graph/tensor.ts';
import type { NamedCase } from '../fd-cases.ts';

// Shape, indexing and reduction ops in float64 on ORT. Each output is passed through sin so that the
// checked function is not linear in the op's output (a wrong reshape order would still be caught).

export const shapeCases: NamedCase[] = [
  { name: 'Reshape', dtype: 'float64', inputs: [{ shape: [2, 3, 4] }], build: (b, [x]) => b.sin(b.op1('Reshape', [x, b.ints([4, 6])])) },
  { name: 'Transpose (perm)', dtype: 'float64', inputs: [{ shape: [2, 3, 4] }], build: (b, [x]) => b.sin(b.op1('Transpose', [x], { perm: [2, 0, 1] })) },
  { name: 'Transpose (default reverses)', dtype: 'float64', inputs: [{ shape: [2, 3, 4] }], build: (b, [x]) => b.sin(b.op1('Transpose', [x])) },
  { name: 'Concat axis 1 of 3', dtype: 'float64', inputs: [{ shape: [2, 1] }, { shape: [2, 3] }, { shape: [2, 2] }], build: (b, xs) => b.sin(b.op1('Concat', xs, { axis: 1 })) },
  { name: 'Concat axis −1 with fan-out', dtype: 'float64', inputs: [{ shape: [3] }], build: (b, [x]) => b.sin(b.op1('Concat', [x, b.exp(x), x], { axis: -1 })) },
  { name: 'Squeeze / Unsqueeze', dtype: 'float64', inputs: [{ shape: [3, 1, 2] }], build: (b, [x]) => b.op1('Unsqueeze', [b.sin(b.op1('Squeeze', [x, b.ints([1])])), b.ints([0, 3])]) },
  { name: 'Expand (broadcast sum back)', dtype: 'float64', inputs: [{ shape: [3, 1] }], build: (b, [x]) => b.sin(b.op1('Expand', [x, b.ints([2, 3, 4])])) },
  { name: 'Slice step 1', dtype: 'float64', inputs: [{ shape: [5, 6] }], build: (b, [x]) => b.sin(b.op1('Slice', [x, b.ints([1, -4]), b.ints([4, 100]), b.ints([0, 1])])) },
  { name: 'Slice steps 2 and 3', dtype: 'float64', inputs: [{ shape: [7, 8] }], build: (b, [x]) => b.sin(b.op1('Slice', [x, b.ints([1, 0]), b.ints([7, 8]), b.ints([0, 1]), b.ints([2, 3])])) },
  { name: 'Slice step −1 (whole axis reversed)', dtype: 'float64', inputs: [{ shape: [3, 5] }], build: (b, [x]) => b.sin(b.op1('Slice', [x, b.ints([-1]), b.ints([-100]), b.ints([1]), b.ints([-1])])) },
  {
    name: 'Slice steps −2 and −3, negative starts, with a positive-step axis',
    dtype: 'float64',
    inputs: [{ shape: [7, 8, 3] }],
    build: (b, [x]) => b.sin(b.op1('Slice', [x, b.ints([-2, 6, 0]), b.ints([0, -100, 3]), b.ints([0, 1, 2]), b.ints([-2, -3, 2])])),
  },
  { name: 'Pad (constant, with a crop)', dtype: 'float64', inputs: [{ shape: [3, 4] }], build: (b, [x]) => b.sin(b.op1('Pad', [x, b.ints([1, -1, 2, 1]), b.scalar(0.5, 'float64')])) },
  { name: 'reflect Pad 1-D, asymmetric', dtype: 'float64', inputs: [{ shape: [5] }], build: (b, [x]) => b.sin(b.pad(x, [3, 2], 'reflect')) },
  { name: 'reflect Pad 2-D, asymmetric, one side only', dtype: 'float64', inputs: [{ shape: [4, 3] }], build: (b, [x]) => b.sin(b.pad(x, [2, 0, 1, 2], 'reflect')) },
  { name: 'reflect Pad with crops (same and other axis)', dtype: 'float64', inputs: [{ shape: [5, 4] }], build: (b, [x]) => b.sin(b.pad(x, [-1, 2, 2, -1], 'reflect')) },
  { name: 'edge Pad 2-D, asymmetric, with a crop', dtype: 'float64', inputs: [{ shape: [3, 4] }], build: (b, [x]) => b.sin(b.pad(x, [2, -1, 1, 3], 'edge')) },
  { name: 'edge Pad on a length-1 axis', dtype: 'float64', inputs: [{ shape: [1, 3] }], build: (b, [x]) => b.sin(b.pad(x, [2, 1, 1, 0], 'edge')) },
  { name: 'circular Pad (lowered to Slice + Concat)', dtype: 'float64', inputs: [{ shape: [1, 2, 4, 3] }], build: (b, [x]) => b.sin(b.pad(x, [0, 0, 1, 2, 0, 0, 2, 1], 'circular')) },
  {
    name: 'Gather axis 0, repeated indices',
    dtype: 'float64',
    inputs: [{ shape: [4, 3] }],
    build: (b, [x]) => b.sin(b.op1('Gather', [x, b.constant(tensor('int64', [2, 2], [3, 0, 3, -1]))])),
  },
  { name: 'Gather axis 1, scalar index', dtype: 'float64', inputs: [{ shape: [2, 5, 3] }], build: (b, [x]) => b.sin(b.op1('Gather', [x, b.constant(tensor('int64', [], [2]))], { axis: 1 })) },
  { name: 'ReduceSum axes [0, 2] keepdims 0', dtype: 'float64', inputs: [{ shape: [2, 3, 4] }], build: (b, [x]) => b.sin(b.op1('ReduceSum', [x, b.ints([0, 2])], { keepdims: 0 })) },
  { name: 'ReduceSum all axes', dtype: 'float64', inputs: [{ shape: [2, 3] }], build: (b, [x]) => b.sin(b.op1('ReduceSum', [x])) },
  { name: 'ReduceMean axes [−1]', dtype: 'float64', inputs: [{ shape: [2, 3, 4] }], build: (b, [x]) => b.sin(b.op1('ReduceMean', [x], { axes: [-1], keepdims: 1 })) },
  { name: 'ReduceMax axes [1] keepdims 0', dtype: 'float64', inputs: [{ shape: [3, 5, 2] }], build: (b, [x]) => b.sin(b.op1('ReduceMax', [x], { axes: [1], keepdims: 0 })) },
  { name: 'Softmax axis −1', dtype: 'float64', inputs: [{ shape: [3, 5] }], build: (b, [x]) => b.sin(b.op1('Softmax', [x])) },
  { name: 'Softmax axis 0', dtype: 'float64', inputs: [{ shape: [4, 2] }], build: (b, [x]) => b.sin(b.op1('Softmax', [x], { axis: 0 })) },
  {
    name: 'LayerNormalization over the last 2 axes (x, scale, bias)',
    dtype: 'float64',
    inputs: [{ shape: [2, 3, 4] }, { shape: [3, 4] }, { shape: [4] }],
    build: (b, [x, s, c]) => b.sin(b.op1('LayerNormalization', [x, s, c], { axis: 1, epsilon: 1e-5 })),
  },
  { name: 'LayerNormalization without bias', dtype: 'float64', inputs: [{ shape: [3, 6] }, { shape: [6] }], build: (b, [x, s]) => b.sin(b.op1('LayerNormalization', [x, s])) },
];

export const gemm: NamedCase[] = [0, 1].flatMap((transA) =>
  [0, 1].map((transB) => ({
    name: `Gemm transA=${transA} transB=${transB}, α=0.7, β=1.3, C broadcast [N]`,
    dtype: 'float64' as const,
    inputs: [{ shape: transA ? [4, 3] : [3, 4] }, { shape: transB ? [5, 4] : [4, 5] }, { shape: [5] }],
    build: (b: Parameters<NamedCase['build']>[0], [x, y, c]: Parameters<NamedCase['build']>[1]) => b.sin(b.op1('Gemm', [x, y, c], { alpha: 0.7, beta: 1.3, transA, transB })),
  })),
);

export const dft: NamedCase[] = [
  { name: 'DFT c2c forward, complex input', dtype: 'float64', inputs: [{ shape: [2, 6, 2] }], build: (b, [x]) => b.sin(b.op1('DFT', [x], { axis: 1 })) },
  { name: 'DFT c2c forward, real input', dtype: 'float64', inputs: [{ shape: [2, 5, 1] }], build: (b, [x]) => b.sin(b.op1('DFT', [x], { axis: 1 })) },
  { name: 'DFT c2c inverse', dtype: 'float64', inputs: [{ shape: [3, 8, 2] }], build: (b, [x]) => b.sin(b.op1('DFT', [x], { axis: 1, inverse: 1 })) },
  { name: 'DFT rfft (onesided), even length', dtype: 'float64', inputs: [{ shape: [2, 8, 1] }], build: (b, [x]) => b.sin(b.op1('DFT', [x], { axis: 1, onesided: 1 })) },
  { name: 'DFT rfft (onesided), odd length', dtype: 'float64', inputs: [{ shape: [2, 7, 1] }], build: (b, [x]) => b.sin(b.op1('DFT', [x], { axis: 1, onesided: 1 })) },
  { name: 'DFT irfft (onesided inverse)', dtype: 'float64', inputs: [{ shape: [2, 5, 2] }], build: (b, [x]) => b.sin(b.op1('DFT', [x], { axis: 1, onesided: 1, inverse: 1 })) },
  { name: 'DFT irfft with odd dft_length', dtype: 'float64', inputs: [{ shape: [2, 4, 2] }], build: (b, [x]) => b.sin(b.op1('DFT', [x, b.constant(tensor('int64', [], [7]))], { axis: 1, onesided: 1, inverse: 1 })) },
  { name: 'DFT c2c with dft_length padding', dtype: 'float64', inputs: [{ shape: [2, 5, 2] }], build: (b, [x]) => b.sin(b.op1('DFT', [x, b.constant(tensor('int64', [], [8]))], { axis: 1 })) },
  { name: 'DFT c2c on axis 2', dtype: 'float64', inputs: [{ shape: [2, 3, 4, 2] }], build: (b, [x]) => b.sin(b.op1('DFT', [x], { axis: 2 })) },
];
