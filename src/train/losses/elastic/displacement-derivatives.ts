import type { Value } from '../../../graph/builder.ts';
import type { LossScope } from '../../loss-scope.ts';
import { column, columnSeed } from '../columns.ts';

/**
 * Input derivatives of a displacement field u = (u_x, u_y) over coordinates X = (x, y, t), taken with
 * `scope.derivative` (our reverse-mode autodiff; the PyTorch reference recomputes each one with autograd).
 *
 * A derivative is d Σ(of · seed)/dX; the network is pointwise, so row i is point i's own gradient. A one-hot
 * seed picks one column of `of`: the gradient of u_x alone, or of one entry of that gradient (second order).
 * Each column is returned as [batch, 1].
 */
export interface FirstDerivatives {
  /** [batch, 3] rows (∂/∂x, ∂/∂y, ∂/∂t) of u_x and of u_y. */
  readonly gradUx: Value;
  readonly gradUy: Value;
}

export interface SecondDerivatives {
  readonly uxXX: Value;
  readonly uxYY: Value;
  readonly uxXY: Value;
  readonly uxTT: Value;
  readonly uyXX: Value;
  readonly uyYY: Value;
  readonly uyXY: Value;
  readonly uyTT: Value;
}

export function firstDerivatives(scope: LossScope, u: Value, coords: Value): FirstDerivatives {
  const [gradUx] = scope.derivative(u, [coords], columnSeed(u, 0));
  const [gradUy] = scope.derivative(u, [coords], columnSeed(u, 1));
  return { gradUx, gradUy };
}

/**
 * The second derivatives the elastic residual needs: for each component, its gradient and the Hessian rows
 * through x, y and t (`scope.hessianRows`: three reverse passes through the gradient, each recorded so the
 * reference recomputes it with autograd). ∂²/∂x∂y is read from the x row.
 */
export function secondDerivatives(scope: LossScope, u: Value, coords: Value): SecondDerivatives {
  const rows = (c: number) => {
    const [dx, dy, dt] = scope.hessianRows(u, coords, columnSeed(u, c), [0, 1, 2]).rows;
    return { xx: column(scope, dx, 0), xy: column(scope, dx, 1), yy: column(scope, dy, 1), tt: column(scope, dt, 2) };
  };
  const ux = rows(0);
  const uy = rows(1);
  return { uxXX: ux.xx, uxYY: ux.yy, uxXY: ux.xy, uxTT: ux.tt, uyXX: uy.xx, uyYY: uy.yy, uyXY: uy.xy, uyTT: uy.tt };
}
