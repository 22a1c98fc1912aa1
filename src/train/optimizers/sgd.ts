import type { GraphBuilder } from '../../graph/builder.ts';
import { scalarLike, type GraphOptimizer, type ParamUpdateInputs, type ParamUpdateOutputs, type StepScalars } from './graph-optimizer.ts';
import type { SgdOptions } from './optimizer-options.ts';

/**
 * torch.optim.SGD (1.13 `_single_tensor_sgd`), same operation order:
 *   d = ±grad (+ weight_decay·p);  buf = momentum·buf + (1 − dampening)·d  (buf = d on the first step);
 *   d = nesterov ? d + momentum·buf : buf;  p = p − lr·d.
 *
 * torch's first step sets `momentum_buffer = d` (no dampening) because the buffer does not exist yet. Here the
 * buffer is a zero-initialised slot, and with dampening 0 the general formula already gives exactly d on the
 * first step (momentum·0 + d = d in IEEE arithmetic), so no branch is emitted. With dampening ≠ 0 the first step
 * differs, and a `Where(step == 1, d, …)` on the shared step input selects torch's initialisation.
 */
export class Sgd implements GraphOptimizer {
  readonly name = 'sgd';
  readonly slots: readonly string[];

  constructor(readonly options: SgdOptions) {
    this.slots = options.momentum !== 0 ? ['momentum_buffer'] : [];
  }

  update(g: GraphBuilder, { param, grad, slots }: ParamUpdateInputs, { lr, step }: StepScalars): ParamUpdateOutputs {
    const { momentum, dampening, weight_decay, nesterov, maximize } = this.options;
    const c = (v: number) => scalarLike(g, v, param);
    let d = maximize ? g.neg(grad) : grad;
    if (weight_decay !== 0) d = g.add(d, g.mul(c(weight_decay), param));
    if (momentum === 0) return { param: g.sub(param, g.mul(lr, d)), slots: {} };

    const decayed = g.mul(slots.momentum_buffer, c(momentum));
    let buf = g.add(decayed, dampening === 0 ? d : g.mul(c(1 - dampening), d));
    if (dampening !== 0) {
      const first = g.op1('Equal', [step, c(1)]);
      buf = g.op1('Where', [first, d, buf]);
    }
    const direction = nesterov ? g.add(d, g.mul(c(momentum), buf)) : buf;
    return { param: g.sub(param, g.mul(lr, direction)), slots: { momentum_buffer: buf } };
  }
}
