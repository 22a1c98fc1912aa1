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
  { name: 'Clip (min and max inputs, both differentiated)', dtype: 'float64', inputs: [{ shape: [3, 4], range: [-2, 2] }, { shape: [] , range: [-1.1, -0.9] }, { shape: [], range: [0.9, 1.1] }], build: (b, [x, lo, hi]) => b.op1('Clip', [x, lo, hi]) },
  { name: 'Clip (max only)', dtype: 'float64', inputs: [{ shape: [3, 4], range: [-2, 2] }, { shape: [], range: [0.4, 0.6] }], build: (b, [x, hi]) => b.op1('Clip', [x, null, hi]) },
  { name: 'Clip (min above max: the output is max)', dtype: 'float64', inputs: [{ shape: [5] }, { shape: [], range: [0.9, 1.1] }, { shape: [], range: [-0.3, -0.2] }], build: (b, [x, lo, hi]) => b.sin(b.op1('Clip', [x, lo, hi])) },
  { name: 'PRelu (slope per channel [C, 1, 1])', ...F32, inputs: [{ shape: [2, 3, 2, 2] }, { shape: [3, 1, 1], range: [0.1, 0.5] }], build: (b, [x, s]) => b.sin(b.op1('PRelu', [x, s])) },
  { name: 'HardSigmoid (α = 0.3, β = 0.4)', ...F32, inputs: [{ shape: [3, 4], range: [-3, 3] }], build: (b, [x]) => b.sin(b.op1('HardSigmoid', [x], { alpha: 0.3, beta: 0.4 })) },
  { name: 'HardSwish', ...F32, inputs: [{ shape: [3, 4], range: [-4, 4] }], build: (b, [x]) => b.op1('HardSwish', [x]) },
  { name: 'Elu (α = 0.7)', ...F32, inputs: [{ shape: [3, 4], range: [-2, 2] }], build: (b, [x]) => b.op1('Elu', [x], { alpha: 0.7 }) },
  { name: 'Selu', ...F32, inputs: [{ shape: [3, 4], range: [-2, 2] }], build: (b, [x]) => b.op1('Selu', [x]) },
  { name: 'Celu (α = 0.5)', ...F32, inputs: [{ shape: [3, 4], range: [-2, 2] }], build: (b, [x]) => b.op1('Celu', [x], { alpha: 0.5 }) },
  { name: 'Softsign', ...F32, inputs: [{ shape: [3, 4], range: [-3, 3] }], build: (b, [x]) => b.op1('Softsign', [x]) },
  { name: 'Mish (opset 18; onnxruntime runs its Softplus·Tanh·Mul body)', ...F32, inputs: [{ shape: [3, 4], range: [-3, 3] }], build: (b, [x]) => b.mish(x) },
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
