import type { Tensor } from '../graph/tensor.ts';
import type { OptimizerOptions } from '../train/optimizers/optimizer-options.ts';
import { adamFirstSlots, adamUpdate, secondMomentSlot } from './adam-formula.ts';
import { unravel } from './compare-tensors.ts';
import type { TensorComparison, Tolerance } from './report.ts';

/**
 * Which part of update 1 differs, from what the slot-by-slot comparison shows and nothing else. The gradients
 * stage judged the gradients; here slots (moments, momentum) come from the gradient alone and parameters from the
 * slots. Slots that differ are blamed on the gradient only when they are exactly Adam's slot update of the backend's
 * own gradient (`grads`: the backend's gradients at the same state on the same batch), and on the slot update only
 * when they are not. "Bias correction or eps" is said only when, at a diverging element, every slot matches torch's AND the
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
  /** The backend's own gradients at the state and batch of the update (absent: the slots are not traced back). */
  grads?: ReadonlyMap<string, Tensor>,
): string {
  const failing = (role: string) => tensors.filter((t) => t.role === role && t.verdict === 'fail').map((t) => t.name);
  const [buffers, slots, params] = [failing('buffer'), failing('slot'), failing('param')];
  // Buffers come from the forward pass at the initial state alone, before any optimizer arithmetic.
  if (buffers.length) return `Buffers differ (${buffers.slice(0, 4).join(', ')}${buffers.length > 4 ? ', …' : ''}): the running-statistics update (BatchNormalization's momentum, the unbiased running variance) differs, or the batch statistics do`;
  if (slots.length) {
    const listed = `${slots.slice(0, 4).join(', ')}${slots.length > 4 ? ', …' : ''}`;
    const fromGradient = grads && slotsFromOwnGradient(slots, ours, start, grads, options, tol);
    if (fromGradient) return `Optimizer slots differ (${listed}), and each is torch.optim's slot update of the backend's own gradient (${fromGradient}): the slot update is right, the gradient differs (the gradients stage judges it)`;
    return `Optimizer slots differ (${listed}): the slot update itself (betas, momentum, dampening, weight decay folded into the gradient) differs, or the gradient does`;
  }
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

/**
 * Whether every slot in `slots` is Adam's first slot update (adamFirstSlots) of the backend's own gradient to within
 * the stage's relative tolerance (float32 rounds (1 − β)·g to an ULP or two; a wrong β is off by a factor), and the
 * largest relative difference if so. Undefined when one is not, or cannot be traced (SGD, a slot of no known parameter).
 */
function slotsFromOwnGradient(
  slots: readonly string[],
  ours: ReadonlyMap<string, Tensor>,
  start: ReadonlyMap<string, Tensor>,
  grads: ReadonlyMap<string, Tensor>,
  options: OptimizerOptions,
  tol: Tolerance,
): string | undefined {
  const first = adamFirstSlots(options);
  if (!first) return undefined;
  let worst = 0;
  for (const name of slots) {
    const cut = name.lastIndexOf('/');
    const [param, kind] = [name.slice(0, cut), name.slice(cut + 1)];
    const [slot, g, p0] = [ours.get(name), grads.get(param), start.get(param)];
    if (!slot || !g || !p0 || g.data.length !== slot.data.length || (kind !== 'exp_avg' && kind !== secondMomentSlot(options))) return undefined;
    for (let i = 0; i < slot.data.length; i++) {
      const s = first(Number(g.data[i]), Number(p0.data[i]));
      const expected = kind === 'exp_avg' ? s.exp_avg : s.second;
      const d = Math.abs(Number(slot.data[i]) - expected);
      if (!(d <= tol.rtol * Math.abs(expected))) return undefined;
      if (d > 0) worst = Math.max(worst, d / Math.abs(expected));
    }
  }
  return `largest relative difference ${worst.toPrecision(3)}`;
}
