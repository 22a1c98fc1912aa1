import { afterAll, describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import type { ParityExperiment } from '../../src/parity/experiment.ts';
import { LiveTorchReference } from '../../src/parity/reference/live-torch.ts';
import type { StageContext } from '../../src/parity/stage-context.ts';
import { STAGE_RUNNERS } from '../../src/parity/stages.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../src/train/program.ts';
import { createSchedule } from '../../src/train/schedules/create-schedule.ts';
import { batches, pinnProgram } from '../backends/torch/program-fixtures.ts';

/**
 * The gradients stage on a PINN loss (u_xx + u_yy + u²): besides the parameter gradients it compares the input
 * derivatives the loss uses, ours (tandem autodiff inside the loss graph) against torch.autograd's. No shipped
 * config has a PINN loss yet, so the stage runs on a program fixture directly.
 */
const reference = new LiveTorchReference();
const skip = await reference.versions().then(
  () => undefined,
  (e: Error) => e.message,
);
if (skip) console.log(`[tests/parity/pinn-derivatives.test.ts] skipping: ${skip}`);

async function runStage(stage: 'init' | 'forward' | 'loss' | 'gradients' | 'step', program: TrainingProgram, refProgram: TrainingProgram) {
  const [batch] = batches(program, 1);
  const session = await (await ortBackend.create(ortBackend.params.parse({}))).compile(program);
  const run = await reference.open(refProgram, { scheduleInterval: 'epoch' });
  const ctx: StageContext = {
    // The single-batch stages read only the batch from the experiment.
    experiment: { firstBatch: () => batch } as unknown as ParityExperiment,
    backend: 'onnxruntime',
    session,
    program,
    refProgram,
    reference: run,
    tolerances: {},
    trajectorySteps: 1,
    schedule: () => createSchedule({ name: 'constant' }, 1e-3),
  };
  try {
    return await STAGE_RUNNERS[stage](ctx);
  } finally {
    await session.dispose();
    await run.dispose();
  }
}

describe.skipIf(skip)('parity stages on a PINN loss with input derivatives', () => {
  afterAll(() => reference.dispose());

  it('compares every input derivative the loss uses, and they agree with torch.autograd', async () => {
    const program = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const out = await runStage('gradients', program, program);
    const derivatives = out.tensors.filter((t) => t.role === 'derivative');
    expect(derivatives.length).toBe(program.derivatives.filter((d) => program.graphs.loss.values.has(d.name)).length);
    expect(derivatives.length).toBeGreaterThanOrEqual(2);
    expect(out.failure, out.failure).toBeUndefined();
  }, 120_000);

  it.each(['init', 'forward', 'loss', 'step'] as const)('the %s stage passes on the PINN program (derivative holes filled by torch)', async (stage) => {
    const program = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const out = await runStage(stage, program, program);
    expect(out.failure, out.failure).toBeUndefined();
    expect(out.tensors.length).toBeGreaterThan(0);
  }, 120_000);

  // ProgramSpec.rules reaches the input derivatives too (LossScope.derivative builds them with the program's rules),
  // so a wrong tanh rule shows in both: the derivatives the loss uses and the parameter gradients.
  it('catches a wrong tanh rule in the input derivatives and the parameter gradients, and says gradient localization cannot cross derivative holes', async () => {
    const good = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const rules = defaultRules.with({ op: 'Tanh', grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), y))] });
    const bad = buildTrainingProgram({ ...good.spec, rules }, good.batchSize);
    const out = await runStage('gradients', bad, good);
    expect(out.tensors.filter((t) => t.role === 'grad').some((t) => t.verdict === 'fail')).toBe(true);
    expect(out.tensors.filter((t) => t.role === 'derivative').some((t) => t.verdict === 'fail')).toBe(true);
    expect(out.firstDivergence?.message).toContain('input derivatives');
  }, 120_000);
});
