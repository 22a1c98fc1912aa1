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
