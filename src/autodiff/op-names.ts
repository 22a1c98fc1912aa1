/**
 * Every op of the graph op set is either differentiable — it has exactly one rule, the file rules/<Op>.ts — or
 * listed here as non-differentiable with the reason. The coverage test (tests/autodiff/rules-registry.test.ts)
 * checks this against the graph op registry, so a new forward op cannot land without a decision.
 */
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
