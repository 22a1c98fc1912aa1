import { afterAll, describe, expect, it } from 'vitest';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { cutDerivatives } from '../../../src/contracts/derivative-terms.ts';
import { createSchedule } from '../../../src/train/schedules/create-schedule.ts';
import { LOSS_OUTPUT } from '../../../src/train/program.ts';
import { batches, regressionProgram } from './program-fixtures.ts';
import { openReference } from './torch-available.ts';

const { ref, skip } = await openReference('trajectory-schedules');
afterAll(() => ref.dispose());

const STEPS = 40;
const SCHEDULES: Record<string, Record<string, unknown>> = {
  'linear warmup then cosine': { name: 'sequential', schedules: [{ name: 'linear', start_factor: 0.2, total_iters: 6 }, { name: 'cosine', T_max: 30, eta_min: 1e-4 }], milestones: [6] },
  'multistep': { name: 'multistep', milestones: [5, 12, 30], gamma: 0.5 },
  'plateau on the training loss': { name: 'plateau', patience: 2, factor: 0.5, threshold: 0.02 },
};

describe.skipIf(!!skip)('trajectory: torch.optim + torch.optim.lr_scheduler vs tandem schedules feeding the ORT train step', () => {
  for (const [label, schedule] of Object.entries(SCHEDULES)) {
    it(`${label}: LR and loss at each of ${STEPS} steps (float64)`, async () => {
      const lr0 = 0.02;
      const program = await regressionProgram('float64', { name: 'adam', lr: lr0 });
      const data = batches(program, 4, 21);
      // Torch side: its own scheduler decides every LR; the whole trajectory is one request.
      const model = await ref.load(cutDerivatives(program.graphs.loss, program.derivatives), program.derivatives);
      const init = program.initialState();
      const trainer = await ref.trainer(model, {
        params: new Map(program.params.map((p) => [p.name, init.get(p.name)!])),
        loss: LOSS_OUTPUT,
        optimizer: { name: 'adam', lr: lr0 },
        schedule: schedule as { name: string },
      });
      const torch = await trainer.steps(Array.from({ length: STEPS }, (_, k) => data[k % 4]));
      // Ours: the TypeScript port of the schedule feeds lr into the fused train-step graph.
      const ort = await (await ortBackend.create(ortBackend.params.parse({ dtype: 'float64' }))).compile(program);
      const sched = createSchedule(schedule, lr0);
      for (let k = 0; k < STEPS; k++) {
        const lr = sched.lr;
        const r = await ort.step(data[k % 4], lr, k + 1);
        expect(torch[k].lr, `lr at step ${k + 1}`).toBeCloseTo(lr, 14);
        expect(torch[k].loss, `loss at step ${k + 1}`).toBeCloseTo(r.loss, 10);
        sched.step(r.loss);
      }
      const lrs = torch.map((r) => r.lr);
      expect(new Set(lrs).size).toBeGreaterThan(2); // the schedule really moved the LR
      await ort.dispose();
    });
  }
});
