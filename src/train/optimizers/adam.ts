import type { GraphBuilder, Value } from '../../graph/builder.ts';
import { scalarLike, type GraphOptimizer, type ParamUpdateInputs, type ParamUpdateOutputs, type StepScalars } from './graph-optimizer.ts';
import type { AdamOptions } from './optimizer-options.ts';

/** The two bias-correction factors of step t: 1 − beta1^t and sqrt(1 − beta2^t). */
export interface BiasCorrection {
  (g: GraphBuilder, step: Value, beta1: number, beta2: number): { readonly bc1: Value; readonly bc2Sqrt: Value };
}

/**
 * 1 − βᵗ without cancellation: −expm1(z) = −tanh(z/2)·(1 + eᶻ) with z = t·ln β, ln β taken in double. The naive
 * 1 − pow(β, t) in float32 inherits β's rounding (fl(0.999) is 1.3e-8 off, so 1 − β₂ is 1.3e-5 off at t = 1):
 * a systematic error in EVERY parameter's update, each step, in the same direction as the update. ReLU kinks and
 * Adam's per-element normalisation turn it into O(lr) differences from torch within 20 steps (conf/ptycho.yaml,
 * specs/ptycho.md §5); torch computes the factor in double and so does not have it.
 */
function oneMinusPow(g: GraphBuilder, beta: number, step: Value): Value {
  const c = (v: number) => scalarLike(g, v, step);
  if (beta === 0) return c(1);
  const z = g.mul(step, c(Math.log(beta)));
  return g.neg(g.mul(g.tanh(g.mul(z, c(0.5))), g.add(c(1), g.exp(z))));
}

export const torchBiasCorrection: BiasCorrection = (g, step, beta1, beta2) => ({ bc1: oneMinusPow(g, beta1, step), bc2Sqrt: g.sqrt(oneMinusPow(g, beta2, step)) });

/**
 * torch.optim.Adam and AdamW (1.13 `_single_tensor_adam` / `_single_tensor_adamw`), same operation order:
 *   AdamW only: p = p·(1 − lr·weight_decay)              (decoupled decay, before the moments)
 *   Adam only:  g = g + weight_decay·p                    (L2 folded into the gradient)
 *   m = beta1·m + (1 − beta1)·g;  v = beta2·v + (1 − beta2)·g·g;  (amsgrad: vmax = max(vmax, v), used for v)
 *   denom = sqrt(v) / sqrt(1 − beta2^t) + eps             (eps OUTSIDE the square root, after the correction)
 *   p = p − (lr / (1 − beta1^t)) · (m / denom)
 * torch computes the bias corrections in Python double and rounds them to the parameter dtype; here they are
 * computed in the parameter dtype (a float64 step would not run on tfjs), by oneMinusPow above, which is accurate
 * to a few float32 ulps (the naive 1 − pow(β₂, t) was 1.3e-5 off at t = 1).
 *
 * `biasCorrection` exists so a test can inject a deliberately wrong variant and prove the sequence tests catch
 * it; tandem's optimizer factory always uses torch's.
 */
export class Adam implements GraphOptimizer {
  readonly slots: readonly string[];

  constructor(
    readonly name: 'adam' | 'adamw',
    readonly options: AdamOptions,
    private readonly biasCorrection: BiasCorrection = torchBiasCorrection,
  ) {
    this.slots = options.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
  }

  update(g: GraphBuilder, { param, grad, slots }: ParamUpdateInputs, { lr, step }: StepScalars): ParamUpdateOutputs {
    const { betas, eps, weight_decay, amsgrad, maximize } = this.options;
    const c = (v: number) => scalarLike(g, v, param);
    let p = param;
    let gr = maximize ? g.neg(grad) : grad;
    if (weight_decay !== 0) {
      if (this.name === 'adamw') p = g.mul(p, g.sub(c(1), g.mul(lr, c(weight_decay))));
      else gr = g.add(gr, g.mul(c(weight_decay), p));
    }
    const expAvg = g.add(g.mul(slots.exp_avg, c(betas[0])), g.mul(c(1 - betas[0]), gr));
    const expAvgSq = g.add(g.mul(slots.exp_avg_sq, c(betas[1])), g.mul(g.mul(c(1 - betas[1]), gr), gr));
    const out: Record<string, Value> = { exp_avg: expAvg, exp_avg_sq: expAvgSq };
    let second = expAvgSq;
    if (amsgrad) second = out.max_exp_avg_sq = g.op1('Max', [slots.max_exp_avg_sq, expAvgSq]);

    const { bc1, bc2Sqrt } = this.biasCorrection(g, step, betas[0], betas[1]);
    const denom = g.add(g.div(g.sqrt(second), bc2Sqrt), c(eps));
    const stepSize = g.div(lr, bc1);
    return { param: g.sub(p, g.mul(stepSize, g.div(expAvg, denom))), slots: out };
  }
}
