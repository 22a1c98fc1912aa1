import { ChainedSchedule, type ChainRule } from './chained-schedule.ts';
import { constantRule, cosineRule, exponentialRule, linearRule, multiStepRule, stepRule } from './chain-rules.ts';
import { LrGroup, type LrSchedule } from './lr-schedule.ts';
import { PlateauSchedule } from './plateau-schedule.ts';
import { parseScheduleOptions, type ChainableOptions } from './schedule-options.ts';
import { SequentialSchedule } from './sequential-schedule.ts';

/**
 * Builds the schedule a config section describes, starting from `initialLr` (the optimizer's `lr`). `raw` is
 * validated here, so a config layer can pass the section straight through.
 */
export function createSchedule(raw: unknown, initialLr: number): LrSchedule {
  const opts = parseScheduleOptions(raw);
  const group = new LrGroup(initialLr);
  if (opts.name === 'plateau') return new PlateauSchedule(group, opts);
  if (opts.name === 'sequential') {
    // Constructed in order on the shared group, as torch users write `SequentialLR(opt, [LinearLR(opt, …), …])`.
    const children = opts.schedules.map((c) => new ChainedSchedule(c.name, chainRule(c), group));
    return new SequentialSchedule(group, children, opts.milestones);
  }
  return new ChainedSchedule(opts.name, chainRule(opts), group);
}

function chainRule(o: ChainableOptions): ChainRule {
  switch (o.name) {
    case 'constant':
      return constantRule;
    case 'exponential':
      return exponentialRule(o.gamma);
    case 'step':
      return stepRule(o.step_size, o.gamma);
    case 'multistep':
      return multiStepRule(o.milestones, o.gamma);
    case 'cosine':
      return cosineRule(o.T_max, o.eta_min);
    case 'linear':
      return linearRule(o.start_factor, o.end_factor, o.total_iters);
  }
}
