import { stateNumber, type LrGroup, type LrSchedule, type ScheduleState } from './lr-schedule.ts';

export interface PlateauOptions {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly threshold_mode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly min_lr: number;
  readonly eps: number;
}

/**
 * torch ReduceLROnPlateau: multiply the LR by `factor` once the monitored metric has not improved (by more than
 * `threshold`) for more than `patience` steps; then ignore bad steps for `cooldown` steps. A reduction smaller
 * than `eps` is skipped. `best` starts at ±infinity, which JSON cannot hold, so the saved state writes null.
 */
export class PlateauSchedule implements LrSchedule {
  readonly name = 'plateau';
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;
  private lastEpoch = 0;

  constructor(
    private readonly group: LrGroup,
    private readonly opts: PlateauOptions,
  ) {
    this.best = this.worst();
  }

  get lr(): number {
    return this.group.lr;
  }

  step(metric?: number): void {
    if (metric === undefined) {
      throw new Error('the "plateau" LR schedule (ReduceLROnPlateau) needs the monitored metric at every step: call step(metric), e.g. with the validation loss');
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad steps during cooldown do not count
    }
    if (this.numBadEpochs > this.opts.patience) {
      const newLr = Math.max(this.group.lr * this.opts.factor, this.opts.min_lr);
      if (this.group.lr - newLr > this.opts.eps) this.group.lr = newLr;
      this.cooldownCounter = this.opts.cooldown;
      this.numBadEpochs = 0;
    }
  }

  state(): ScheduleState {
    return {
      name: this.name,
      last_epoch: this.lastEpoch,
      lr: this.group.lr,
      best: Number.isFinite(this.best) ? this.best : null,
      num_bad_epochs: this.numBadEpochs,
      cooldown_counter: this.cooldownCounter,
    };
  }

  restore(state: ScheduleState): void {
    this.lastEpoch = stateNumber(state, 'last_epoch', this.name);
    this.group.lr = stateNumber(state, 'lr', this.name);
    this.best = state.best === null ? this.worst() : stateNumber(state, 'best', this.name);
    this.numBadEpochs = stateNumber(state, 'num_bad_epochs', this.name);
    this.cooldownCounter = stateNumber(state, 'cooldown_counter', this.name);
  }

  private worst(): number {
    return this.opts.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    const { mode, threshold, threshold_mode } = this.opts;
    if (mode === 'min') return threshold_mode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return threshold_mode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }
}
