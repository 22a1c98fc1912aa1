// spec: specs/training.md §1
import { describe, expect, it } from 'vitest';
import { createSchedule } from '../../src/train/schedules/create-schedule.ts';
import { expectSequenceClose, lrSequence } from './helpers/lr-sequence.ts';

// Expected sequences are written out from the schedules' definitions (closed forms and hand traces), not by
// calling the implementation. The implementation follows torch's recursive (chained) form, so agreement is to
// rounding, hence rtol 1e-12; exact agreement with torch itself is checked in lr-schedules-torch.test.ts.
const N = 25;
const range = (n: number) => Array.from({ length: n }, (_, k) => k);
const RTOL = 1e-12;

describe('chainable LR schedules follow their definitions for 25 steps', () => {
  it('constant keeps the initial LR', () => {
    expect(lrSequence(createSchedule({ name: 'constant' }, 0.3), N)).toEqual(range(N).map(() => 0.3));
  });

  it('exponential: lr_k = lr_0 · gamma^k', () => {
    const got = lrSequence(createSchedule({ name: 'exponential', gamma: 0.9 }, 0.1), N);
    expectSequenceClose(got, range(N).map((k) => 0.1 * 0.9 ** k), RTOL);
  });

  it('step: lr_k = lr_0 · gamma^floor(k / step_size)', () => {
    const got = lrSequence(createSchedule({ name: 'step', step_size: 4, gamma: 0.5 }, 0.2), N);
    expectSequenceClose(got, range(N).map((k) => 0.2 * 0.5 ** Math.floor(k / 4)), RTOL);
  });

  it('multistep: lr_k = lr_0 · gamma^(milestones passed), a repeated milestone decays twice', () => {
    const milestones = [3, 7, 7, 15];
    const got = lrSequence(createSchedule({ name: 'multistep', milestones, gamma: 0.1 }, 1), N);
    const expected = range(N).map((k) => {
      let lr = 1;
      for (const m of milestones) if (k >= m) lr *= 0.1;
      return lr;
    });
    expectSequenceClose(got, expected, RTOL);
  });

  it('cosine: lr_k = eta_min + (lr_0 − eta_min)(1 + cos(πk/T_max))/2, past T_max too', () => {
    // T_max 8 over 25 steps goes down, back up and down again, crossing the trough special case twice.
    const got = lrSequence(createSchedule({ name: 'cosine', T_max: 8, eta_min: 0.01 }, 0.5), N);
    expectSequenceClose(got, range(N).map((k) => 0.01 + (0.49 * (1 + Math.cos((Math.PI * k) / 8))) / 2), RTOL);
  });

  it('linear warmup: lr_k = lr_0 · (s + (e − s)·min(k, n)/n)', () => {
    const got = lrSequence(createSchedule({ name: 'linear', start_factor: 0.1, end_factor: 1, total_iters: 10 }, 0.01), N);
    expectSequenceClose(got, range(N).map((k) => 0.01 * (0.1 + (0.9 * Math.min(k, 10)) / 10)), RTOL);
  });

  it('sequential: linear warmup for 5 steps, then cosine restarted at the milestone', () => {
    const sched = createSchedule(
      {
        name: 'sequential',
        schedules: [
          { name: 'linear', start_factor: 0.2, total_iters: 5 },
          { name: 'cosine', T_max: 20, eta_min: 0 },
        ],
        milestones: [5],
      },
      0.1,
    );
    const expected = range(N).map((k) => (k < 5 ? 0.1 * (0.2 + (0.8 * k) / 5) : (0.1 * (1 + Math.cos((Math.PI * (k - 5)) / 20))) / 2));
    expectSequenceClose(lrSequence(sched, N), expected, RTOL);
  });
});

describe('ReduceLROnPlateau, traced by hand', () => {
  it('min mode, rel threshold, with cooldown', () => {
    // lr 1, factor 0.5, patience 2, cooldown 2, threshold 10% (better means < 0.9·best).
    const metrics = [10, 9.5, 9.2, 9.1, 8, 8, 8, 8, 8, 8, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5];
    const sched = createSchedule({ name: 'plateau', mode: 'min', factor: 0.5, patience: 2, cooldown: 2, threshold: 0.1, threshold_mode: 'rel' }, 1);
    // step 1 best=10; steps 2-4 not < 9: bad 1,2,3 → halve after step 4, cooldown 2. Step 5 (8 < 9) new best,
    // cooldown 1; step 6 bad but in cooldown → 0; steps 7-9 bad 1,2,3 → halve after step 9, cooldown 2.
    // Step 10 cooldown → 1; step 11 (5 < 7.2) new best, cooldown → 0; steps 12-14 bad → halve after 14;
    // 15, 16 cooldown; 17-19 bad → halve after 19; 20, 21 cooldown; 22 bad 1.
    const after = [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125, 0.125, 0.0625, 0.0625, 0.0625, 0.0625];
    expect(lrSequence(sched, metrics.length, metrics)).toEqual([1, ...after.slice(0, -1)]);
    expect(sched.lr).toBe(0.0625);
  });

  it('max mode, abs threshold, with cooldown and min_lr', () => {
    // lr 1, factor 0.5, patience 1, cooldown 1, better means > best + 0.5, floor 0.3.
    const metrics = [1, 1.4, 1.6, 2.2, 2.3, 2.4, 2.5, 3.1, 3.2, 3.3, 3.4, 3.5, 3.55, 3, 3, 4, 4.1, 4.2, 4.3, 5, 5, 5];
    const sched = createSchedule({ name: 'plateau', mode: 'max', factor: 0.5, patience: 1, cooldown: 1, threshold: 0.5, threshold_mode: 'abs', min_lr: 0.3 }, 1);
    // best 1 → (1.4 bad 1) → 1.6 best → 2.2 best → 2.3, 2.4 bad 1,2 → 0.5 after step 6, cooldown 1 →
    // 2.5 cooldown → 3.1 best → 3.2, 3.3 bad → max(0.25, 0.3) = 0.3 after step 10 → 3.4 cooldown →
    // 3.5, 3.55 bad → max(0.15, 0.3) = 0.3, no change → 3 cooldown → 3 bad → 4 best → 4.1, 4.2 bad → stays
    // → 4.3 cooldown → 5 best → 5 bad.
    const after = [1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3];
    expect(lrSequence(sched, metrics.length, metrics)).toEqual([1, ...after.slice(0, -1)]);
  });

  it('refuses to step without the monitored metric', () => {
    expect(() => createSchedule({ name: 'plateau' }, 1).step()).toThrow(/needs the monitored metric/);
  });
});

describe('schedule state survives a checkpoint round trip', () => {
  const configs: unknown[] = [
    { name: 'cosine', T_max: 7, eta_min: 0.001 },
    { name: 'sequential', schedules: [{ name: 'linear', start_factor: 0.1, total_iters: 4 }, { name: 'exponential', gamma: 0.8 }], milestones: [6] },
    { name: 'plateau', patience: 1, cooldown: 1, factor: 0.5 },
  ];
  const metrics = range(30).map((k) => 1 / (1 + (k % 5)));
  for (const cfg of configs) {
    it(`${(cfg as { name: string }).name}: stop at 12, restore from JSON, continue = never stopped`, () => {
      const straight = lrSequence(createSchedule(cfg, 0.1), 30, metrics);
      const first = createSchedule(cfg, 0.1);
      const head = lrSequence(first, 12, metrics);
      const saved = JSON.parse(JSON.stringify(first.state()));
      const resumed = createSchedule(cfg, 0.1);
      resumed.restore(saved);
      const tail = lrSequence(resumed, 18, metrics.slice(12));
      expect([...head, ...tail]).toEqual(straight);
    });
  }

  it('a plateau schedule saved before its first metric writes best as null (JSON has no infinity)', () => {
    const cfg = { name: 'plateau', mode: 'max', patience: 0, factor: 0.5 };
    const fresh = createSchedule(cfg, 0.1);
    const saved = JSON.parse(JSON.stringify(fresh.state()));
    expect(saved.best).toBeNull();
    const resumed = createSchedule(cfg, 0.1);
    resumed.restore(saved);
    const metrics = [-5, -6, -4, -7];
    expect(lrSequence(resumed, 4, metrics)).toEqual(lrSequence(createSchedule(cfg, 0.1), 4, metrics));
  });

  it('restoring another schedule kind fails with both names', () => {
    const s = createSchedule({ name: 'exponential', gamma: 0.9 }, 0.1);
    expect(() => s.restore(createSchedule({ name: 'plateau' }, 0.1).state())).toThrow(/"exponential" LR schedule from state saved by a "plateau"/);
  });
});
