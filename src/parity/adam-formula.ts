import type { OptimizerOptions } from '../train/optimizers/optimizer-options.ts';

/**
 * torch.optim.Adam/AdamW's update number `t` of one element, in float64: its value after the update from its value
 * `p` before it and its slots after it (`m` = exp_avg, `v` = exp_avg_sq, or max_exp_avg_sq with amsgrad). Adam's L2
 * weight decay and `maximize` live in the gradient, hence in the slots; AdamW's decoupled decay scales `p` first.
 * Undefined for SGD, whose update is not a function of its slots alone.
 */
export function adamUpdate(o: OptimizerOptions, lr: number, t: number): ((p: number, m: number, v: number) => number) | undefined {
  if (o.name === 'sgd') return undefined;
  const [b1, b2] = o.betas;
  const [bc1, bc2] = [1 - b1 ** t, 1 - b2 ** t];
  const decay = o.name === 'adamw' ? o.weight_decay : 0;
  return (p, m, v) => p * (1 - lr * decay) - (lr * (m / bc1)) / (Math.sqrt(v / bc2) + o.eps);
}

/** The slot Adam divides by: max_exp_avg_sq with amsgrad, exp_avg_sq otherwise. */
export function secondMomentSlot(o: OptimizerOptions): string {
  return o.name !== 'sgd' && o.amsgrad ? 'max_exp_avg_sq' : 'exp_avg_sq';
}

/**
 * torch.optim.Adam/AdamW's slots after update 1 (from zero slots) of one element, in float64, from its gradient `g`
 * and its value `p` before the update: exp_avg = (1 − β1)·g̃ and exp_avg_sq (max_exp_avg_sq with amsgrad) =
 * (1 − β2)·g̃², where g̃ is the gradient Adam sees (negated with `maximize`; with Adam's L2 weight decay, + wd·p).
 * Undefined for SGD.
 */
export function adamFirstSlots(o: OptimizerOptions): ((g: number, p: number) => { readonly exp_avg: number; readonly second: number }) | undefined {
  if (o.name === 'sgd') return undefined;
  const [b1, b2] = o.betas;
  const l2 = o.name === 'adam' ? o.weight_decay : 0;
  return (g, p) => {
    const seen = (o.maximize ? -g : g) + l2 * p;
    return { exp_avg: (1 - b1) * seen, second: (1 - b2) * seen * seen };
  };
}
