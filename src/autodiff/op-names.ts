/**
 * The op names the autodiff knows, in one place: every op of the graph op set is either differentiable (and
 * has exactly one rule in rules/) or listed as non-differentiable with the reason. The coverage test checks
 * this against the graph op registry, so a new forward op cannot land without a decision here.
 */
export const DIFFERENTIABLE_OPS = [
  'Abs', 'Add', 'AveragePool', 'BatchNormalization', 'Cast', 'Celu', 'Clip', 'Concat', 'Conv', 'ConvTranspose', 'Cos', 'DFT', 'Div', 'Elu', 'Erf', 'Exp', 'Expand',
  'Gather', 'Gemm', 'GlobalAveragePool', 'GlobalMaxPool', 'HardSigmoid', 'HardSwish', 'Identity', 'InstanceNormalization', 'LayerNormalization', 'LeakyRelu', 'Log', 'MatMul', 'Max', 'MaxPool', 'Min', 'Mul',
  'Neg', 'PRelu', 'Pad', 'Pow', 'ReduceMax', 'ReduceMean', 'ReduceSum', 'Relu', 'Reshape', 'Resize', 'Selu', 'Sigmoid', 'Sin',
  'Slice', 'Softmax', 'Softplus', 'Softsign', 'Sqrt', 'Squeeze', 'Sub', 'Tanh', 'Transpose', 'Unsqueeze', 'Where',
] as const;

export type DifferentiableOp = (typeof DIFFERENTIABLE_OPS)[number];

/** Ops through which no gradient flows, and why (their outputs are boolean, integer, or constant). */
export const NON_DIFFERENTIABLE_OPS: Readonly<Record<string, string>> = {
  Constant: 'has no inputs',
  Shape: 'outputs an int64 shape',
  Equal: 'comparison: boolean output',
  Less: 'comparison: boolean output',
  LessOrEqual: 'comparison: boolean output',
  Greater: 'comparison: boolean output',
  GreaterOrEqual: 'comparison: boolean output',
  Not: 'logical: boolean output',
  And: 'logical: boolean output',
  Or: 'logical: boolean output',
  Xor: 'logical: boolean output',
  Sign: 'piecewise constant: zero gradient almost everywhere',
  Floor: 'piecewise constant: zero gradient almost everywhere',
  Ceil: 'piecewise constant: zero gradient almost everywhere',
  Round: 'piecewise constant: zero gradient almost everywhere',
  ArgMax: 'outputs int64 indices',
  ArgMin: 'outputs int64 indices',
  Range: 'builds index ranges from scalars',
  ConstantOfShape: 'its input is a shape',
};
