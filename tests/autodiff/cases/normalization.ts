import { tensor } from '../../../src/graph/tensor.ts';
import { F32, type NamedCase } from '../fd-cases.ts';

// Global pools and per-channel normalizations. Outputs go through sin so the checked function is not linear
// in the op's output; every parameter input (scale, bias, and BatchNormalization's statistics) is perturbed.

export const normalizationCases: NamedCase[] = [
  { name: 'GlobalAveragePool 2-D', ...F32, inputs: [{ shape: [2, 3, 4, 5] }], build: (b, [x]) => b.sin(b.op1('GlobalAveragePool', [x])) },
  { name: 'GlobalAveragePool 1-D', ...F32, inputs: [{ shape: [2, 3, 7] }], build: (b, [x]) => b.sin(b.op1('GlobalAveragePool', [x])) },
  { name: 'GlobalMaxPool 2-D', ...F32, inputs: [{ shape: [2, 3, 4, 5] }], build: (b, [x]) => b.sin(b.op1('GlobalMaxPool', [x])) },
  { name: 'GlobalMaxPool 3-D', ...F32, inputs: [{ shape: [1, 2, 3, 2, 3] }], build: (b, [x]) => b.sin(b.op1('GlobalMaxPool', [x])) },
  {
    name: 'BatchNormalization inference (x, scale, B, mean, var)',
    dtype: 'float64',
    inputs: [{ shape: [2, 3, 4, 2] }, { shape: [3] }, { shape: [3] }, { shape: [3] }, { shape: [3], range: [0.5, 2] }],
    build: (b, xs) => b.sin(b.op1('BatchNormalization', xs, { epsilon: 1e-3 })),
  },
  {
    name: 'BatchNormalization on [N, C]',
    dtype: 'float64',
    inputs: [{ shape: [4, 3] }, { shape: [3] }, { shape: [3] }, { shape: [3] }, { shape: [3], range: [0.5, 2] }],
    build: (b, xs) => b.sin(b.op1('BatchNormalization', xs)),
  },
  {
    // The running statistics fed in do not reach Y in training mode, so they are constants here.
    name: 'BatchNormalization training (x, scale, B; batch statistics)',
    dtype: 'float64',
    inputs: [{ shape: [3, 2, 2, 3] }, { shape: [2] }, { shape: [2] }],
    build: (b, [x, s, c]) => {
      const stats = [b.constant(tensor('float64', [2], [0.2, -0.1])), b.constant(tensor('float64', [2], [0.7, 1.3]))];
      return b.sin(b.op('BatchNormalization', [x, s, c, ...stats], { epsilon: 1e-3, momentum: 0.8, training_mode: 1 })[0]);
    },
  },
  {
    name: 'BatchNormalization training on [N, C]',
    dtype: 'float64',
    inputs: [{ shape: [5, 3] }, { shape: [3] }, { shape: [3] }],
    build: (b, [x, s, c]) => {
      const stats = [b.constant(tensor('float64', [3], [0, 0, 0])), b.constant(tensor('float64', [3], [1, 1, 1]))];
      return b.sin(b.op('BatchNormalization', [x, s, c, ...stats], { training_mode: 1 })[0]);
    },
  },
  {
    name: 'InstanceNormalization 2-D (x, scale, B)',
    ...F32,
    inputs: [{ shape: [2, 3, 3, 4] }, { shape: [3] }, { shape: [3] }],
    build: (b, xs) => b.sin(b.op1('InstanceNormalization', xs, { epsilon: 1e-3 })),
  },
  {
    name: 'InstanceNormalization 1-D',
    ...F32,
    inputs: [{ shape: [2, 2, 6] }, { shape: [2] }, { shape: [2] }],
    build: (b, xs) => b.sin(b.op1('InstanceNormalization', xs)),
  },
  {
    name: 'GroupNormalization (opset 18: scale and bias per group; x, scale, bias)',
    ...F32,
    inputs: [{ shape: [2, 6, 3, 2] }, { shape: [3], range: [0.5, 1.5] }, { shape: [3] }],
    build: (b, xs) => b.sin(b.op1('GroupNormalization', xs, { num_groups: 3, epsilon: 1e-3 })),
  },
  {
    name: 'GroupNormalization 1-D, one group',
    ...F32,
    inputs: [{ shape: [2, 4, 5] }, { shape: [1] }, { shape: [1] }],
    build: (b, xs) => b.sin(b.op1('GroupNormalization', xs, { num_groups: 1 })),
  },
  {
    name: 'groupNorm (torch nn.GroupNorm: GroupNormalization + per-channel affine; x, scale, bias)',
    ...F32,
    inputs: [{ shape: [2, 4, 3, 2] }, { shape: [4] }, { shape: [4] }],
    build: (b, [x, s, c]) => b.sin(b.groupNorm(x, s, c, 2)),
  },
];
