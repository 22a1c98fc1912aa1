import { stateNumber, type LrGroup, type LrSchedule, type ScheduleState } from './lr-schedule.ts';

/**
 * One torch `_LRScheduler` subclass, as two pure functions of the epoch counter. `epoch` is torch's
 * `last_epoch` after the increment, `baseLr` is `initial_lr`.
 */
export interface ChainRule {
  /** torch `get_lr()`: the new LR from the group's current one. This is what `scheduler.step()` uses. */
  chained(lr: number, epoch: number, baseLr: number): number;
  /** torch `_get_closed_form_lr()`: used only when SequentialLR hands over to this schedule at a milestone. */
  closedForm(epoch: number, baseLr: number): number;
}

/** torch `_LRScheduler`: the constructor performs the initial step (epoch 0), like torch's `_initial_step()`. */
export class ChainedSchedule implements LrSchedule {
  private lastEpoch = -1;

  constructor(
    readonly name: string,
    private readonly rule: ChainRule,
    private readonly group: LrGroup,
  ) {
    this.step();
  }

  get lr(): number {
    return this.group.lr;
  }

  step(): void {
    this.lastEpoch += 1;
    this.group.lr = this.rule.chained(this.group.lr, this.lastEpoch, this.group.initialLr);
  }

  /** torch `scheduler.step(epoch)` (deprecated there, but SequentialLR calls `step(0)` at each milestone). */
  stepTo(epoch: number): void {
    this.lastEpoch = epoch;
    this.group.lr = this.rule.closedForm(epoch, this.group.initialLr);
  }

  /** SequentialLR's constructor moves every child back one epoch before restarting the first. */
  rewind(): void {
    this.lastEpoch -= 1;
  }

  state(): ScheduleState {
    return { name: this.name, last_epoch: this.lastEpoch, lr: this.group.lr };
  }

  restore(state: ScheduleState): void {
    this.lastEpoch = stateNumber(state, 'last_epoch', this.name);
    this.group.lr = stateNumber(state, 'lr', this.name);
  }
}
