import type { ChainRule } from './chained-schedule.ts';

/*
 * The chainable schedules of torch 1.13 `lr_scheduler.py`, each with the exact operation order of its
 * `get_lr()` and `_get_closed_form_lr()` so the float64 LR sequences agree with torch's to the last bit
 * (up to libm differences in cos/pow).
 */

/** No scheduler at all: the LR stays at its initial value. */
export const constantRule: ChainRule = {
  chained: (lr) => lr,
  closedForm: (_epoch, base) => base,
};

/** torch ExponentialLR. */
export function exponentialRule(gamma: number): ChainRule {
  return {
    chained: (lr, epoch) => (epoch === 0 ? lr : lr * gamma),
    closedForm: (epoch, base) => base * gamma ** epoch,
  };
}

/** torch StepLR. */
export function stepRule(stepSize: number, gamma: number): ChainRule {
  return {
    chained: (lr, epoch) => (epoch === 0 || epoch % stepSize !== 0 ? lr : lr * gamma),
    closedForm: (epoch, base) => base * gamma ** Math.floor(epoch / stepSize),
  };
}

/** torch MultiStepLR. A milestone listed twice decays twice at once (torch keeps them in a Counter). */
export function multiStepRule(milestones: readonly number[], gamma: number): ChainRule {
  const sorted = [...milestones].sort((a, b) => a - b);
  return {
    chained: (lr, epoch) => {
      const hits = milestones.filter((m) => m === epoch).length;
      return hits === 0 ? lr : lr * gamma ** hits;
    },
    closedForm: (epoch, base) => base * gamma ** sorted.filter((m) => m <= epoch).length,
  };
}

/** torch LinearLR: the usual warmup (start_factor < 1, end_factor 1). */
export function linearRule(startFactor: number, endFactor: number, totalIters: number): ChainRule {
  return {
    chained: (lr, epoch) => {
      if (epoch === 0) return lr * startFactor;
      if (epoch > totalIters) return lr;
      return lr * (1 + (endFactor - startFactor) / (totalIters * startFactor + (epoch - 1) * (endFactor - startFactor)));
    },
    closedForm: (epoch, base) => base * (startFactor + ((endFactor - startFactor) * Math.min(totalIters, epoch)) / totalIters),
  };
}

/**
 * torch CosineAnnealingLR. `scheduler.step()` uses the recursive form below, not the closed form
 * `eta_min + (base - eta_min)(1 + cos(pi·t/T_max))/2`: each LR is the previous one times a ratio of cosines.
 * In exact arithmetic they agree; in floating point the recursive form carries the rounding of every earlier
 * step, and it also carries any outside change to the LR (which is why torch calls it "chainable"). At the
 * trough (t − 1 − T_max a multiple of 2·T_max) the ratio would divide by zero, so torch adds a fixed increment
 * instead. The closed form is used only for SequentialLR's hand-over at a milestone, as in torch.
 * (torch also has a closed-form branch for `_step_count == 1 and last_epoch > 0`, reachable only when a
 * scheduler is constructed with `last_epoch` set; tandem resumes through `restore()`, so it is not ported.)
 */
export function cosineRule(tMax: number, etaMin: number): ChainRule {
  return {
    chained: (lr, epoch, base) => {
      if (epoch === 0) return lr;
      // Python's % is never negative, JS's can be -0; both are zero exactly when the difference divides evenly.
      if ((epoch - 1 - tMax) % (2 * tMax) === 0) return lr + ((base - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
      return ((1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax))) * (lr - etaMin) + etaMin;
    },
    closedForm: (epoch, base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2,
  };
}
