import type { LossScope } from '../loss-scope.ts';
import type { Value } from '../../graph/builder.ts';
import type { DType } from '../../graph/dtype.ts';
import { tensor, type Shape, type Tensor } from '../../graph/tensor.ts';

/**
 * Columns of [batch, k] values, as PINN losses take them: a one-hot seed makes `scope.derivative` differentiate
 * one column of a vector (one output channel, or one entry of a gradient: a second derivative), and a slice reads
 * one column as [batch, 1].
 */
export function columnSeed(of: { readonly dtype: DType; readonly shape: Shape }, j: number): Tensor {
  const [rows, cols] = of.shape;
  return tensor(of.dtype, of.shape, Array.from({ length: rows * cols }, (_, i) => (i % cols === j ? 1 : 0)));
}

/** Column j of a [batch, k] value as [batch, 1]. */
export function column(scope: LossScope, v: Value, j: number): Value {
  return scope.g.slice(v, [j], [j + 1], [1]);
}
