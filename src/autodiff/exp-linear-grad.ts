import type { Value } from '../graph/builder.ts';
import type { GradContext } from './rule.ts';

/**
 * The exponential-linear family in torch's own parametrization, y = scale·x for x > 0 and
 * scale·α·(exp(x·inputScale) − 1) otherwise (Elu: scale 1, inputScale 1; Selu: scale γ; Celu: inputScale 1/α):
 * dx = g·scale for x > 0, else g·scale·α·inputScale·exp(x·inputScale).
 */
export function expLinearGrad({ b, g, x: [x], scalar }: GradContext, p: { scale: number; alpha: number; inputScale: number }): Value {
  const negative = b.mul(g, b.mul(scalar(p.scale * p.alpha * p.inputScale), b.exp(b.mul(x!, scalar(p.inputScale)))));
  return b.where(b.greater(x!, scalar(0)), p.scale === 1 ? g : b.mul(g, scalar(p.scale)), negative);
}
