import type { Tensor } from '../graph/tensor.ts';
import type { OptimizerOptions } from '../train/optimizers/optimizer-options.ts';
import { adamUpdate, secondMomentSlot } from './adam-formula.ts';
import { unravel } from './compare-tensors.ts';
import type { TensorComparison, Tolerance } from './report.ts';

/**
 * Which part of update 1 differs, from what the slot-by-slot comparison shows and nothing else. The gradients
 * stage judged the gradients; here slots (moments, momentum) come from the gradient alone and parameters from the
 * slots. "Bias correction or eps" is said only when, at a diverging element, every slot matches torch's AND the
 * backend's parameter is not what Adam's formula gives from the backend's own slots; a backend whose update is
 * what the formula gives has the right update rule, and what differs is the update's sensitivity to a slot
 * difference within tolerance (a gradient near Adam's eps, or at rounding level).
 */
export function stepDiagnosis(
  tensors: readonly TensorComparison[],
  ours: ReadonlyMap<string, Tensor>,
  ref: ReadonlyMap<string, Tensor>,
  start: ReadonlyMap<string, Tensor>,
  lr: number,
  options: OptimizerOptions,
  tol: Tolerance,
): string {
  const failing = (role: string) => tensors.filter((t) => t.role === role && t.verdict === 'fail').map((t) => t.name);
  const [buffers, slots, params] = [failing('buffer'), failing('slot'), failing('param')];
  // Buffers come from the forward pass at the initial state alone, before any optimizer arithmetic.
  if (buffers.length) return `Buffers differ (${buffers.slice(0, 4).join(', ')}${buffers.length > 4 ? ', …' : ''}): the running-statistics update (BatchNormalization's momentum, the unbiased running variance) differs, or the batch statistics do`;
  if (slots.length) return `Optimizer slots differ (${slots.slice(0, 4).join(', ')}${slots.length > 4 ? ', …' : ''}): the slot update itself (betas, momentum, dampening, weight decay folded into the gradient) differs, or the gradient does`;
  if (!params.length) return 'Parameters differ after the update';
  const formula = adamUpdate(options, lr, 1);
  if (!formula) return `Every optimizer slot matches torch.optim; parameters differ after the update (${params.slice(0, 4).join(', ')})`;
  const within = (a: number, e: number) => Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
  for (const name of params) {
    const [a, e, p0] = [ours.get(name), ref.get(name), start.get(name)];
    const [m, v] = [ours.get(`${name}/exp_avg`), ours.get(`${name}/${secondMomentSlot(options)}`)];
    if (!a || !e || !p0 || !m || !v) continue;
    for (let i = 0; i < e.data.length; i++) {
      if (within(Number(a.data[i]), Number(e.data[i]))) continue;
      const fromSlots = formula(Number(p0.data[i]), Number(m.data[i]), Number(v.data[i]));
      if (!within(Number(a.data[i]), fromSlots)) {
        return `Every optimizer slot matches torch.optim, and at ${name}[${unravel(i, e.shape).join(', ')}] the backend's parameter ${Number(a.data[i])} is not what Adam computes from the backend's own slots (${fromSlots}): the parameter update computed from the slots differs (bias correction, eps placement, lr or weight-decay scaling)`;
      }
    }
  }
  return `Every optimizer slot matches torch.optim and the backend's update is what Adam computes from its own slots (${params.slice(0, 4).join(', ')}): the update rule is right, and the parameters differ by the update's sensitivity to slot differences within tolerance (gradients near Adam's eps or at rounding level)`;
}
