import type { GraphBuilder, Value } from '../../../graph/builder.ts';

/**
 * Poisson negative log-likelihood of observed counts under predicted intensities, as
 * torch.nn.PoissonNLLLoss(log_input=False, full=False, eps=1e-8, reduction='mean'):
 *   mean(rate − counts · log(rate + eps))
 * The log(counts!) term is dropped (it does not depend on the model), so the value can be negative; eps keeps
 * log finite where the model predicts zero intensity. This is the photon-counting loss of ptychography.
 */
export function poissonNll(g: GraphBuilder, rate: Value, counts: Value, eps = 1e-8): Value {
  const logRate = g.log(g.add(rate, g.scalar(eps, rate.dtype)));
  return g.op1('ReduceMean', [g.sub(rate, g.mul(counts, logRate))], { keepdims: 0 });
}
