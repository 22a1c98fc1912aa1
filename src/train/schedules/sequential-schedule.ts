import type { ChainedSchedule } from './chained-schedule.ts';
import { stateNumber, type LrGroup, type LrSchedule, type ScheduleState } from './lr-schedule.ts';

/**
 * torch SequentialLR: warmup then another schedule, hand-over at each milestone. The children must already be
 * constructed on `group` (each did its own initial step there, as torch's constructors do); this resets the
 * group LR, moves every child back one epoch and restarts the first, exactly like torch's constructor. At a
 * milestone the next child jumps to epoch 0 through its closed form (torch calls `scheduler.step(0)`).
 */
export class SequentialSchedule implements LrSchedule {
  readonly name = 'sequential';
  private lastEpoch = 0;

  constructor(
    private readonly group: LrGroup,
    private readonly children: readonly ChainedSchedule[],
    private readonly milestones: readonly number[],
  ) {
    if (milestones.length !== children.length - 1) {
      throw new Error(`a sequential LR schedule needs one milestone fewer than schedules; got ${children.length} schedules and ${milestones.length} milestones`);
    }
    group.lr = group.initialLr;
    for (const c of children) c.rewind();
    children[0].step();
  }

  get lr(): number {
    return this.group.lr;
  }

  step(): void {
    this.lastEpoch += 1;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right
    const child = this.children[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) child.stepTo(0);
    else child.step();
  }

  state(): ScheduleState {
    return { name: this.name, last_epoch: this.lastEpoch, lr: this.group.lr, children: this.children.map((c) => c.state()) };
  }

  restore(state: ScheduleState): void {
    this.lastEpoch = stateNumber(state, 'last_epoch', this.name);
    const saved = state.children;
    if (!Array.isArray(saved) || saved.length !== this.children.length) {
      throw new Error(`saved sequential LR schedule state has ${Array.isArray(saved) ? saved.length : 'no'} children, this schedule has ${this.children.length}; the checkpoint's schedule config differs from this run's`);
    }
    this.children.forEach((c, i) => c.restore(saved[i] as ScheduleState));
    this.group.lr = stateNumber(state, 'lr', this.name);
  }
}
