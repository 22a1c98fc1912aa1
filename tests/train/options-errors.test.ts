// spec: specs/training.md §1, §2
import { describe, expect, it } from 'vitest';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { parseClipGradNormOptions } from '../../src/train/optimizers/optimizer-options.ts';
import { createSchedule } from '../../src/train/schedules/create-schedule.ts';

describe('optimizer options are checked with messages a person can act on', () => {
  it.each([0, -0.1])('lr %s is rejected', (lr) => {
    expect(() => createOptimizer({ name: 'sgd', lr })).toThrow(`optimizer "sgd": "lr": lr must be > 0, got ${lr}`);
  });

  it('a missing SGD lr says so', () => {
    expect(() => createOptimizer({ name: 'sgd' })).toThrow('optimizer "sgd": "lr" is required (a number)');
  });

  it('an unknown option is named, with the valid ones', () => {
    expect(() => createOptimizer({ name: 'adam', lr: 1e-3, beta1: 0.9 })).toThrow(
      'optimizer "adam": unknown option "beta1"; valid options are name, lr, betas, eps, amsgrad, maximize, weight_decay',
    );
  });

  it('an unknown optimizer lists the known ones', () => {
    expect(() => createOptimizer({ name: 'rmsprop', lr: 1 })).toThrow('optimizer: unknown optimizer "rmsprop"; "name" must be one of sgd, adam, adamw');
  });

  it('betas outside [0, 1) and nesterov without momentum are refused', () => {
    expect(() => createOptimizer({ name: 'adamw', betas: [0.9, 1] })).toThrow('"betas.1": each beta must be in [0, 1)');
    expect(() => createOptimizer({ name: 'sgd', lr: 0.1, nesterov: true })).toThrow('nesterov momentum requires momentum > 0 and dampening = 0');
  });

  it('clip_grad_norm needs a positive max_norm', () => {
    expect(() => parseClipGradNormOptions({ max_norm: 0 })).toThrow('clip_grad_norm: "max_norm": max_norm must be > 0, got 0');
    expect(() => parseClipGradNormOptions({ max_norm: 1, norm_type: 'inf' })).toThrow('unknown option "norm_type"; valid options are max_norm');
  });
});

describe('schedule options are checked with messages a person can act on', () => {
  it('an unknown option is named, with the valid ones', () => {
    expect(() => createSchedule({ name: 'cosine', T_max: 10, eta_mn: 0 }, 0.1)).toThrow(
      'lr schedule "cosine": unknown option "eta_mn"; valid options are name, T_max, eta_min',
    );
  });

  it('an unknown schedule lists the known ones', () => {
    expect(() => createSchedule({ name: 'onecycle' }, 0.1)).toThrow(
      'lr schedule: unknown schedule "onecycle"; "name" must be one of constant, exponential, step, multistep, cosine, linear, sequential, plateau',
    );
  });

  it('errors inside a sequential schedule name the child', () => {
    expect(() => createSchedule({ name: 'sequential', schedules: [{ name: 'linear', warmup: 3 }, { name: 'constant' }], milestones: [3] }, 0.1)).toThrow(
      'lr schedule "sequential".schedules[0] "linear": unknown option "warmup"',
    );
    expect(() => createSchedule({ name: 'sequential', schedules: [{ name: 'linear' }, { name: 'plateau' }], milestones: [3] }, 0.1)).toThrow(
      '"plateau" cannot be chained inside "sequential"',
    );
    expect(() => createSchedule({ name: 'sequential', schedules: [{ name: 'linear' }, { name: 'constant' }], milestones: [3, 5] }, 0.1)).toThrow(
      'needs one milestone fewer than schedules; got 2 schedules and 2 milestones',
    );
  });

  it('bad values say what is allowed', () => {
    expect(() => createSchedule({ name: 'plateau', factor: 1 }, 0.1)).toThrow('"factor": factor must be < 1');
    expect(() => createSchedule({ name: 'plateau', threshold_mode: 'relative' }, 0.1)).toThrow('"threshold_mode"');
    expect(() => createSchedule({ name: 'linear', start_factor: 0 }, 0.1)).toThrow('"start_factor": start_factor must be in (0, 1]');
    expect(() => createSchedule({ name: 'multistep', milestones: [5, 3] }, 0.1)).toThrow('milestones must be in increasing order');
  });
});
