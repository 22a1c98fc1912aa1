import type { OptimizerOptions } from '../train/optimizers/optimizer-options.ts';

/**
 * How far Adam can move one element, whatever its gradients are: what can be checked about an element whose
 * gradient is rounding noise (src/parity/noise-gradients.ts), where no side's value is more right than another's.
 *
 * Update t is lr·m̂/(√v̂ + eps) with m = (1−β1)Σβ1^(t−i)gᵢ, v = (1−β2)Σβ2^(t−i)gᵢ², m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 * Cauchy–Schwarz on Σβ1^(t−i)gᵢ = Σ(β1/√β2)^(t−i)·(√β2^(t−i)gᵢ) gives, for any gradients,
 *
 *   |m̂|/√v̂ ≤ (1−β1)/(1−β1ᵗ) · √((1−β2ᵗ)/(1−β2)) · √((1−γᵗ)/(1−γ)),   γ = β1²/β2,
 *
 * which is exactly 1 at t = 1 (the first update is ±lr·|g|/(|g| + eps)) and 1.16 at t = 20 for torch's default
 * betas; eps only makes the step smaller, and AMSGrad's max(v) too. Kingma & Ba §2.1 state the looser
 * (1−β1)/√(1−β2) for the uncorrected ratio. AdamW's decoupled decay adds lr·weight_decay·|p| per update; Adam's
 * L2 weight decay is part of the gradient, so such an element's gradient is not noise and no bound is given.
 */
export function adamStepBound(o: OptimizerOptions, t: number): number | undefined {
  if (o.name === 'sgd' || (o.name === 'adam' && o.weight_decay !== 0)) return undefined;
  const [b1, b2] = o.betas;
  const gamma = (b1 * b1) / b2;
  const geometric = (r: number) => (r === 1 ? t : (1 - r ** t) / (1 - r));
  return ((1 - b1) / (1 - b1 ** t)) * Math.sqrt(geometric(b2)) * Math.sqrt(geometric(gamma));
}

/**
 * The most |p_T − p_0| can be after updates with the LRs `lrs` (numbered from `first`: update first + i uses lrs[i])
 * for an element starting at |p_0| = `start`; undefined when the optimizer gives no such bound (SGD moves noise by
 * lr·noise, which the ordinary tolerances judge).
 */
export function adamUpdateBound(options: OptimizerOptions, lrs: readonly number[], start: number, first = 1): number | undefined {
  const decay = options.name === 'adamw' ? options.weight_decay : 0;
  let total = 0;
  let reach = start;
  for (const [i, lr] of lrs.entries()) {
    const b = adamStepBound(options, first + i);
    if (b === undefined) return undefined;
    const step = lr * b + lr * decay * reach;
    total += step;
    reach += step;
  }
  return total;
}
