import { afterAll, describe, expect, it } from 'vitest';
import { mismatch, type Tolerance } from '../../../src/conformance/compare.ts';
import { createSchedule } from '../../../src/train/schedules/create-schedule.ts';
import { batches, regressionProgram } from '../torch/program-fixtures.ts';
import { openReference } from '../torch/torch-available.ts';
import { compileOn, GRAPH_BACKENDS, torchTrainer } from './backend-sessions.ts';

const { ref, skip } = await openReference('schedules-vs-torch');
afterAll(() => ref.dispose());

const STEPS = 50;
const LR0 = 0.02;
const TOL: Tolerance = { rtol: 2e-4, atol: 2e-5 };

/**
 * Every schedule of the training engine, as torch.optim.lr_scheduler takes it. On ORT three of them also run in
 * float64 for 40 steps (tests/backends/torch/trajectory-schedules.test.ts); here every one runs 50 float32 steps.
 */
const SCHEDULES: Record<string, { schedule: Record<string, unknown> }> = {
  'constant': { schedule: { name: 'constant' } },
  'exponential': { schedule: { name: 'exponential', gamma: 0.96 } },
  'step': { schedule: { name: 'step', step_size: 7, gamma: 0.5 } },
  'multistep': { schedule: { name: 'multistep', milestones: [5, 12, 30], gamma: 0.5 } },
  'cosine': { schedule: { name: 'cosine', T_max: 20, eta_min: 1e-3 } },
  'linear': { schedule: { name: 'linear', start_factor: 0.1, end_factor: 1, total_iters: 15 } },
  'linear warmup then cosine (sequential)': {
    schedule: { name: 'sequential', schedules: [{ name: 'linear', start_factor: 0.2, total_iters: 6 }, { name: 'cosine', T_max: 40, eta_min: 1e-4 }], milestones: [6] },
  },
  'warmup, step, exponential (sequential of three)': {
    schedule: { name: 'sequential', schedules: [{ name: 'linear', start_factor: 0.5, total_iters: 3 }, { name: 'step', step_size: 4, gamma: 0.7 }, { name: 'exponential', gamma: 0.95 }], milestones: [5, 17] },
  },
  'ReduceLROnPlateau on the training loss': { schedule: { name: 'plateau', patience: 2, factor: 0.5, threshold: 0.02 } },
  'ReduceLROnPlateau, abs threshold, cooldown, min_lr': { schedule: { name: 'plateau', patience: 1, cooldown: 2, factor: 0.6, threshold: 0.005, threshold_mode: 'abs', min_lr: 0.004 } },
};

for (const backend of GRAPH_BACKENDS) {
  describe.skipIf(!!skip)(`LR schedules on ${backend}: torch.optim.lr_scheduler decides torch's LRs, tandem's schedule feeds our train step (Adam, float32, ${STEPS} steps)`, () => {
    for (const [label, c] of Object.entries(SCHEDULES)) {
      it(label, async () => {
        const program = await regressionProgram('float32', { name: 'adam', lr: LR0 });
        const data = batches(program, 4, 21);
        // torch: its own scheduler, stepped after every update (plateau with that update's loss); one request.
        const { trainer, release } = await torchTrainer(ref, program, { name: 'adam', lr: LR0 }, c.schedule as { name: string });
        const torch = await trainer.steps(Array.from({ length: STEPS }, (_, k) => data[k % 4]));
        const ours = await compileOn(backend, program);
        const sched = createSchedule(c.schedule, LR0);
        for (let k = 0; k < STEPS; k++) {
          const lr = sched.lr;
          // Both sides compute the LR in float64 by torch's recursive formulas. Equal to the last bit, except that
          // V8's Math.cos and glibc's cos may round apart by an ulp (cosine annealing): 4 ulp allowed.
          expect(Math.abs(lr - torch[k].lr), `lr at step ${k + 1}: ${lr} vs torch ${torch[k].lr}`).toBeLessThanOrEqual(4 * Number.EPSILON * torch[k].lr);
          const r = await ours.step(data[k % 4], lr, k + 1);
          expect(Math.abs(r.loss - torch[k].loss), `loss at step ${k + 1}`).toBeLessThanOrEqual(TOL.atol + TOL.rtol * Math.abs(torch[k].loss));
          sched.step(r.loss);
        }
        const final = (await trainer.state()).params;
        const state = ours.getState();
        for (const p of program.params) expect(mismatch(state.get(p.name)!, final.get(p.name)!, TOL), `${p.name} after ${STEPS} steps`).toBeUndefined();
        if (c.schedule.name !== 'constant') expect(new Set(torch.map((r) => r.lr)).size, 'the schedule moved the LR').toBeGreaterThan(2);
        await ours.dispose();
        await release();
      });
    }
  });
}
