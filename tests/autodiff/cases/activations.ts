import { ONNX_DTYPE_CODE } from '../../../src/graph/dtype.ts';
import { F32, type NamedCase } from '../fd-cases.ts';

// Activations, selection and casts: central differences on ORT, float64 where ORT has the kernel
// (Erf and Softplus are float32-only on ORT CPU).

export const activationCases: NamedCase[] = [
  { name: 'Abs', dtype: 'float64', inputs: [{ shape: [3, 4] }], build: (b, [x]) => b.abs(x) },
  { name: 'Sigmoid', dtype: 'float64', inputs: [{ shape: [2, 5], range: [-3, 3] }], build: (b, [x]) => b.op1('Sigmoid', [x]) },
  { name: 'Relu', dtype: 'float64', inputs: [{ shape: [4, 3] }], build: (b, [x]) => b.op1('Relu', [x]) },
  { name: 'LeakyRelu (α = 0.2)', dtype: 'float64', inputs: [{ shape: [4, 3] }], build: (b, [x]) => b.op1('LeakyRelu', [x], { alpha: 0.2 }) },
  { name: 'Erf', ...F32, inputs: [{ shape: [3, 4], range: [-2, 2] }], build: (b, [x]) => b.op1('Erf', [x]) },
  { name: 'Gelu (lowered to Erf·Mul·Add, no rule of its own)', ...F32, inputs: [{ shape: [3, 4], range: [-2, 2] }], build: (b, [x]) => b.gelu(x) },
  { name: 'Softplus', ...F32, inputs: [{ shape: [3, 4], range: [-3, 3] }], build: (b, [x]) => b.op1('Softplus', [x]) },
  {
    name: 'Where (broadcast condition and branches)',
    dtype: 'float64',
    inputs: [{ shape: [3, 1] }, { shape: [4] }, { shape: [3, 4], fixed: true }],
    build: (b, [x, y, c]) => b.op1('Where', [b.op1('Greater', [c, b.scalar(0, 'float64')]), x, y]),
  },
  { name: 'Max of 2 (broadcast)', dtype: 'float64', inputs: [{ shape: [3, 4] }, { shape: [4] }], build: (b, [x, y]) => b.op1('Max', [x, y]) },
  { name: 'Max of 3', dtype: 'float64', inputs: [{ shape: [5] }, { shape: [5] }, { shape: [1] }], build: (b, xs) => b.op1('Max', xs) },
  { name: 'Min of 2 (broadcast)', dtype: 'float64', inputs: [{ shape: [2, 1, 3] }, { shape: [4, 1] }], build: (b, [x, y]) => b.op1('Min', [x, y]) },
  {
    name: 'Cast float32 → float64',
    ...F32,
    inputs: [{ shape: [6] }],
    build: (b, [x]) => b.sin(b.op1('Cast', [x], { to: ONNX_DTYPE_CODE.float64 })),
  },
  {
    name: 'Cast float64 → float32 → float64 (gradient cast back each way)',
    ...F32,
    dtype: 'float64',
    inputs: [{ shape: [6] }],
    build: (b, [x]) => b.op1('Cast', [b.exp(b.op1('Cast', [x], { to: ONNX_DTYPE_CODE.float32 }))], { to: ONNX_DTYPE_CODE.float64 }),
  },
];
