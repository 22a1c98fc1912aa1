import { afterAll, describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import type { ParityExperiment } from '../../src/parity/experiment.ts';
import { firstGradientDivergence } from '../../src/parity/gradient-divergence.ts';
import { LiveTorchReference } from '../../src/plugins/backends/torch/live-torch-reference.ts';
import type { StageContext } from '../../src/parity/stage-context.ts';
import { STAGE_RUNNERS } from '../../src/parity/stages.ts';
import { toleranceFor, type ToleranceOverrides } from '../../src/parity/tolerances.ts';
import { toFloat64 } from '../../src/parity/float64-reference.ts';
import type { ReferenceRun } from '../../src/contracts/reference.ts';
import { tensor, type Tensor } from '../../src/graph/tensor.ts';
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
const localizer = await (await ortBackend.create(ortBackend.params.parse({}))).executor();
const skip = await reference.versions().then(
  () => undefined,
  (e: Error) => e.message,
);
if (skip) console.log(`[tests/parity/pinn-derivatives.test.ts] skipping: ${skip}`);

async function runStage(stage: 'init' | 'forward' | 'loss' | 'gradients' | 'step', program: TrainingProgram, refProgram: TrainingProgram, tolerances: ToleranceOverrides = {}) {
  const [batch] = batches(program, 1);
  const session = await (await ortBackend.create(ortBackend.params.parse({}))).compile(program);
  const run = await reference.open(refProgram, { scheduleInterval: 'epoch' });
  // The float64 arbiter's reference: the same program in float64 from the float32 program's initial state.
  let float64: Promise<ReferenceRun> | undefined;
  const open64 = async () => reference.open({ ...(await pinnProgram('float64', { name: 'adam', lr: 1e-3 })), initialState: () => toFloat64(refProgram.initialState()) }, { scheduleInterval: 'epoch' });
  const ctx: StageContext = {
    // The single-batch stages read only the batch from the experiment, and the float64 arbiter its reversal (every
    // input of this program is per point).
    experiment: { firstBatch: () => batch, reversed: reverseRows } as unknown as ParityExperiment,
    backend: 'onnxruntime',
    session,
    program,
    refProgram,
    reference: run,
    localizer,
    tolerances,
    trajectorySteps: 1,
    schedule: () => createSchedule({ name: 'constant' }, 1e-3),
    float64: () => (float64 ??= open64()),
  };
  try {
    return await STAGE_RUNNERS[stage](ctx);
  } finally {
    await session.dispose();
    await run.dispose();
    await float64?.then((r) => r.dispose());
  }
}

/** The batch with its points in reverse order (ParityExperiment.reversed, for a batch whose every key is per point). */
function reverseRows(feed: ReadonlyMap<string, Tensor>): Map<string, Tensor> {
  return new Map(
    [...feed].map(([k, t]) => {
      const row = t.data.length / t.shape[0];
      const rows = Array.from({ length: t.shape[0] }, (_, i) => Array.from(t.data.slice(i * row, (i + 1) * row) as Float32Array)).reverse();
      return [k, tensor(t.dtype, t.shape, rows.flat())];
    }),
  );
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

  // At tolerance 0 every derivative differs from torch's by rounding; the float64 arbiter (the derivatives computed
  // on the float64 graph, holes filled by torch in float64) clears them, where a wrong rule below still fails.
  it('judges input derivatives by the float64 arbiter: rounding passes at tolerance 0', async () => {
    const program = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const out = await runStage('gradients', program, program, { gradients: { float32: { rtol: 0, atol: 0 } } });
    const derivatives = out.tensors.filter((t) => t.role === 'derivative');
    expect(derivatives.some((t) => t.arbiter?.verdict === 'within-reference-error')).toBe(true);
    for (const t of derivatives) expect(t.verdict, t.name).toBe('pass');
    expect(out.notes?.join('\n')).toMatch(/d\d+:.*within the reference's float32 error/);
  }, 120_000);

  it.each(['init', 'forward', 'loss', 'step'] as const)('the %s stage passes on the PINN program (derivative holes filled by torch)', async (stage) => {
    const program = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const out = await runStage(stage, program, program);
    expect(out.failure, out.failure).toBeUndefined();
    expect(out.tensors.length).toBeGreaterThan(0);
  }, 120_000);

  // ProgramSpec.rules reaches the input derivatives too (LossScope.derivative builds them with the program's rules),
  // so a wrong tanh rule shows in both: the derivatives the loss uses and the parameter gradients.
  // Controls: with tandem's own rules every probe agrees with torch.autograd, in both kinds of plan (second-order
  // paths included), so a node named by the tests below is the planted bug's doing, not rounding.
  it('finds no culprit when the rules are right (controls for both kinds of probe plan)', async () => {
    const program = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const [batch] = batches(program, 1);
    const run = await reference.open(program, { scheduleInterval: 'epoch' });
    const tolerance = toleranceFor('gradients', 'float32', {});
    try {
      const shared = await firstGradientDivergence(program, program, run, localizer, batch, tolerance);
      expect(shared.node, shared.message).toBeNull();
      expect(shared.compared).toBeGreaterThan(20);
      expect(shared.message).toContain('so no gradient rule is wrong');
      // As if every derivative had differed: the first-order graphs are probed, and agree.
      const derivatives = await firstGradientDivergence(program, program, run, localizer, batch, tolerance, program.derivatives.map((d) => d.name));
      expect(derivatives.node, derivatives.message).toBeNull();
      expect(derivatives.message).toContain("so every rule's first-order VJP there is right");
    } finally {
      await run.dispose();
    }
  }, 120_000);

  // The input derivatives use the rule once (u_x), the parameter gradients twice (through u_x and u_xx): the
  // first diverging first-order derivative is localized on the graph computing it.
  it('catches a wrong tanh rule in the input derivatives and the parameter gradients, and names the Tanh node', async () => {
    const good = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const rules = defaultRules.with({ op: 'Tanh', grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), y))] });
    const bad = buildTrainingProgram({ ...good.spec, rules }, good.batchSize);
    const out = await runStage('gradients', bad, good);
    expect(out.tensors.filter((t) => t.role === 'grad').some((t) => t.verdict === 'fail')).toBe(true);
    expect(out.tensors.filter((t) => t.role === 'derivative').some((t) => t.verdict === 'fail' && t.arbiter?.verdict === 'further-than-reference')).toBe(true);
    const fd = out.firstDivergence!;
    expect(fd.node?.op, fd.message).toBe('Tanh');
    expect(fd.node?.severity).toBe('significant');
    expect(fd.node?.upstream.every((u) => u.withinTolerance)).toBe(true);
    // The loss keeps only u_xx and u_yy; the first-order u_x they are built on is where the rule shows.
    expect(fd.message).toContain('probing the graph of the first-order derivative "d0:');
    expect(fd.message).toContain('Check src/autodiff/rules/Tanh.ts');
  }, 120_000);

  // ReduceMean appears only in the loss terms (outside the derivatives' reach): probed like a plain loss.
  it('names a wrong ReduceMean rule in the loss terms, where the input derivatives still match', async () => {
    const good = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const mean = defaultRules.get('ReduceMean')!;
    const doubled = defaultRules.with({ op: 'ReduceMean', grad: (ctx) => mean.grad(ctx).map((v) => v && ctx.b.mul(v, ctx.scalar(2))) });
    const out = await runStage('gradients', buildTrainingProgram({ ...good.spec, rules: doubled }, good.batchSize), good);
    expect(out.tensors.filter((t) => t.role === 'derivative').every((t) => t.verdict === 'pass')).toBe(true);
    const fd = out.firstDivergence!;
    expect(fd.node?.op, fd.message).toBe('ReduceMean');
    expect(fd.message).toContain('the input derivatives match torch.autograd');
    expect(fd.message).not.toContain('second-order use');
  }, 120_000);

  // MatMul's VJP for B (the weights): the input derivatives use only its VJP for A, so they match, and the
  // weight gradients run through the derivatives (second order): probed with the derivatives rebuilt.
  it('names a wrong MatMul weight rule inside the model the derivatives differentiate', async () => {
    const good = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const matmul = defaultRules.get('MatMul')!;
    const wrongB = defaultRules.with({ op: 'MatMul', grad: (ctx) => matmul.grad(ctx).map((v, i) => (i === 1 && v ? ctx.b.mul(v, ctx.scalar(2)) : v)) });
    const out = await runStage('gradients', buildTrainingProgram({ ...good.spec, rules: wrongB }, good.batchSize), good);
    expect(out.tensors.filter((t) => t.role === 'derivative').every((t) => t.verdict === 'pass')).toBe(true);
    expect(out.tensors.filter((t) => t.role === 'grad').some((t) => t.verdict === 'fail')).toBe(true);
    const fd = out.firstDivergence!;
    expect(fd.node?.op, fd.message).toBe('MatMul');
    expect(fd.node?.diverging.map((d) => d.name).join()).toContain('weight');
    expect(fd.message).toContain('second-order use');
  }, 120_000);

  // Mul appears only inside the Tanh rule's backward nodes (the model is MatMul, Add, Tanh), so only u_xx, which
  // differentiates them, is wrong: inside a derivative subgraph, which torch has no nodes for. The record says so.
  it('says what it cannot localize when only second-order derivatives differ', async () => {
    const good = await pinnProgram('float32', { name: 'adam', lr: 1e-3 });
    const wrongMul = defaultRules.with({ op: 'Mul', grad: ({ b, g, x: [a, c], scalar }) => [b.mul(g, c!), b.mul(b.mul(g, a!), scalar(2))] });
    const out = await runStage('gradients', buildTrainingProgram({ ...good.spec, rules: wrongMul }, good.batchSize), good);
    expect(out.tensors.filter((t) => t.role === 'derivative').some((t) => t.verdict === 'fail')).toBe(true);
    const fd = out.firstDivergence!;
    expect(fd.node, fd.message).toBeNull();
    expect(fd.compared).toBeGreaterThan(0);
    expect(fd.message).toContain("so every rule's first-order VJP there is right");
    expect(fd.message).toContain('inside the derivative subgraphs');
  }, 120_000);
});
