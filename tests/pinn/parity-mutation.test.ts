import { afterAll, describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import type { ParityExperiment } from '../../src/parity/experiment.ts';
import { LiveTorchReference } from '../../src/plugins/backends/torch/live-torch-reference.ts';
import type { StageContext } from '../../src/parity/stage-context.ts';
import { STAGE_RUNNERS } from '../../src/parity/stages.ts';
import { pinnAdapter, pinnAdapterParams } from '../../src/plugins/adapters/pinn/pinn-adapter.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { mlpModel } from '../../src/plugins/models/mlp/mlp.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../src/train/program.ts';
import { createSchedule } from '../../src/train/schedules/create-schedule.ts';
import { constantFeeds, feedOf } from '../../src/train/trainer.ts';
import { terms } from './helpers.ts';

// Parity can fail on an equation-written loss: torch.autograd recomputes every derivative the equations name
// (the derivative holes), so a wrong gradient rule in tandem's autodiff shows in the input derivatives and in the
// parameter gradients of Burgers' residual, at the gradients stage; with tandem's own rules the stage passes.
const reference = new LiveTorchReference();
const skip = await reference.versions().then(
  () => undefined,
  (e: Error) => e.message,
);
if (skip) console.log(`[tests/pinn/parity-mutation.test.ts] skipping: ${skip}`);

const adapter = await pinnAdapter.create(pinnAdapterParams.parse({ domain: { x: [-1, 1], t: [0, 1] }, points: { interior: 40, boundary: 8, initial: 8 }, test_grid: { x: 4, t: 3 }, constants: { nu: 0.01 } }));
const data = adapter.container();
const n = data.split.train.length;
const batch = feedOf(data.epoch('train', { batchSize: n, seed: 0, epoch: 0, shuffle: false }).at(0), constantFeeds(data));
const loss = terms({
  pde: { kind: 'residual', equation: 'u_t + u * u_x - nu * u_xx', on: 'interior' },
  ic: { kind: 'residual', equation: 'u + sin(pi * x)', on: 'initial' },
});
const model = await mlpModel.create(mlpModel.params.parse({ input: 'coords', in_features: 2, hidden: [8, 8], out_features: 1, output: 'u' }));
const inputs = Object.fromEntries(Object.entries(data.specs()).map(([k, s]) => [k, { dtype: 'float32' as const, shape: s.shape, perSample: s.perSample }]));
const good = buildTrainingProgram({ name: 'burgers-eq', model, seed: 0, dtype: 'float32', inputs, loss: lossBuilder(loss, 'train.loss', adapter.lossContext()), optimizer: createOptimizer({ name: 'adam', lr: 1e-3 }) }, n);

const localizer = await (await ortBackend.create(ortBackend.params.parse({}))).executor();

async function gradientsStage(program: TrainingProgram) {
  const session = await (await ortBackend.create(ortBackend.params.parse({}))).compile(program);
  const run = await reference.open(good, { scheduleInterval: 'epoch' });
  const ctx: StageContext = {
    experiment: { firstBatch: () => batch } as unknown as ParityExperiment,
    backend: 'onnxruntime',
    session,
    program,
    refProgram: good,
    reference: run,
    localizer,
    tolerances: {},
    trajectorySteps: 1,
    schedule: () => createSchedule({ name: 'constant' }, 1e-3),
  };
  try {
    return await STAGE_RUNNERS.gradients(ctx);
  } finally {
    await session.dispose();
    await run.dispose();
  }
}

describe.skipIf(skip)('parity on an equation-written PINN loss', () => {
  afterAll(() => reference.dispose());

  it('passes with tandem’s rules, comparing every derivative the equations name', async () => {
    const out = await gradientsStage(good);
    expect(out.failure, out.failure).toBeUndefined();
    expect(out.tensors.filter((t) => t.role === 'derivative').length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('fails at the gradients stage, in the input derivatives, with a wrong Tanh rule', async () => {
    const rules = defaultRules.with({ op: 'Tanh', grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), y))] });
    const out = await gradientsStage(buildTrainingProgram({ ...good.spec, rules }, good.batchSize));
    expect(out.failure).toBeDefined();
    expect(out.tensors.filter((t) => t.role === 'derivative').some((t) => t.verdict === 'fail')).toBe(true);
    expect(out.firstDivergence?.node?.op, out.firstDivergence?.message).toBe('Tanh');
  }, 120_000);
});
