import type { GraphBuilder, Value } from '../../../graph/builder.ts';

/**
 * The PDE term of a PINN loss: the mean of the squared residual over every collocation point (and component).
 * The residual itself (e.g. u_t + u·u_x − ν·u_xx, built with LossScope.derivative) is the caller's.
 */
export function pdeResidualLoss(g: GraphBuilder, residual: Value): Value {
  return g.op1('ReduceMean', [g.mul(residual, residual)], { keepdims: 0 });
}
