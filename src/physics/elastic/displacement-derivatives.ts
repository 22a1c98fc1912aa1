import type { Value } from '../../graph/builder.ts';
import type { LossScope } from '../../train/loss-scope.ts';
import { column, columnSeed } from '../../train/loss-terms/columns.ts';

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
 * The second derivatives the elastic residual needs: three reverse passes per component (through the x, y and
 * t entries of its gradient). ∂²/∂x∂y comes from the x pass (∂/∂y of ∂u/∂x), so ∂²/∂y∂x is never taken.
 */
export function secondDerivatives(scope: LossScope, first: FirstDerivatives, coords: Value): SecondDerivatives {
  const passes = (grad: Value) => {
    const [dx] = scope.derivative(grad, [coords], columnSeed(grad, 0));
    const [dy] = scope.derivative(grad, [coords], columnSeed(grad, 1));
    const [dt] = scope.derivative(grad, [coords], columnSeed(grad, 2));
    return { xx: column(scope, dx, 0), xy: column(scope, dx, 1), yy: column(scope, dy, 1), tt: column(scope, dt, 2) };
  };
  const ux = passes(first.gradUx);
  const uy = passes(first.gradUy);
  return { uxXX: ux.xx, uxYY: ux.yy, uxXY: ux.xy, uxTT: ux.tt, uyXX: uy.xx, uyYY: uy.yy, uyXY: uy.xy, uyTT: uy.tt };
}
