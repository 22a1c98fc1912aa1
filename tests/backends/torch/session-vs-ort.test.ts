import { afterAll, describe, expect, it } from 'vitest';
import { mismatch, type Tolerance } from '../../../src/conformance/compare.ts';
import type { Tensor } from '../../../src/graph/tensor.ts';
import type { Session } from '../../../src/contracts/backend.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { TorchSession } from '../../../src/plugins/backends/torch/torch-session.ts';
import type { TrainingProgram } from '../../../src/train/program.ts';
import { batches, type Float, pinnProgram, regressionProgram } from './program-fixtures.ts';
import { openReference } from './torch-available.ts';

const { ref, skip } = await openReference('session-vs-ort');
afterAll(() => ref.dispose());

// float32: torch and ORT sum in different orders, and 50 updates compound it; float64 shows the math is identical.
const TOL: Record<Float, Tolerance> = { float32: { rtol: 2e-4, atol: 2e-5 }, float64: { rtol: 1e-9, atol: 1e-11 } };

async function pair(program: TrainingProgram): Promise<[Session, Session]> {
  const ort = await (await ortBackend.create(ortBackend.params.parse({ dtype: program.spec.dtype }))).compile(program);
  // The file's one python process serves every torch session (ownsProcess = false).
  return [ort, await TorchSession.create(program, ref, false)];
}

function expectSameState(got: Map<string, Tensor>, want: Map<string, Tensor>, tol: Tolerance): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [k, w] of want) expect(mismatch(got.get(k)!, w, tol), `state "${k}"`).toBeUndefined();
}

/** Our autodiff + graph optimizer on ORT vs torch.autograd + torch.optim, 50 updates with a varying LR. */
async function trainBoth(program: TrainingProgram, steps: number): Promise<void> {
  const tol = TOL[program.spec.dtype];
  const [ort, torch] = await pair(program);
  const data = batches(program, 5);
  for (let k = 1; k <= steps; k++) {
    const lr = 0.02 * (1 + 0.5 * Math.cos(0.2 * k));
    const [a, b] = await Promise.all([ort.step(data[k % 5], lr, k), torch.step(data[k % 5], lr, k)]);
    expect(Math.abs(b.loss - a.loss), `loss before update ${k}`).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(a.loss));
    if (a.gradNorm !== undefined) expect(b.gradNorm).toBeCloseTo(a.gradNorm, 3);
  }
  expectSameState(torch.getState(), ort.getState(), tol);
  await Promise.all([ort.dispose(), torch.dispose()]);
}

describe.skipIf(!!skip)('torch.optim + torch.autograd sessions vs tandem graphs on onnxruntime', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`Adam, 50 steps, ${dtype}`, async () => trainBoth(await regressionProgram(dtype, { name: 'adam', lr: 0.01, betas: [0.8, 0.99], weight_decay: 0.01 }), 50));
  }
  it('AdamW with amsgrad, 50 steps, float32', async () => trainBoth(await regressionProgram('float32', { name: 'adamw', lr: 0.01, amsgrad: true }), 50));
  it('SGD with nesterov momentum and weight decay, 50 steps, float32', async () =>
    trainBoth(await regressionProgram('float32', { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3 }), 50));
  it('SGD with dampened momentum: torch\'s first buffer is the raw gradient, 50 steps, float64', async () =>
    trainBoth(await regressionProgram('float64', { name: 'sgd', lr: 0.05, momentum: 0.8, dampening: 0.3 }), 50));
  it('Adam with clip_grad_norm_, 50 steps, float64', async () => trainBoth(await regressionProgram('float64', { name: 'adam', lr: 0.05 }, 16, { max_norm: 0.05 }), 50));
  it('PINN (second input derivatives by torch.autograd), SGD momentum, 30 steps, float64', async () =>
    trainBoth(await pinnProgram('float64', { name: 'sgd', lr: 0.002, momentum: 0.9 }), 30));

  it('PINN gradients and loss terms agree before training', async () => {
    const program = await pinnProgram('float64', { name: 'adam', lr: 1e-3 });
    const [ort, torch] = await pair(program);
    const [batch] = batches(program, 1, 9);
    const [a, b] = await Promise.all([ort.gradients(batch), torch.gradients(batch)]);
    expect(b.terms.pde).toBeCloseTo(a.terms.pde, 10);
    expect(b.terms.bc).toBeCloseTo(a.terms.bc, 12);
    for (const [p, g] of a.grads) expect(mismatch(b.grads.get(p)!, g, TOL.float64), p).toBeUndefined();
    await Promise.all([ort.dispose(), torch.dispose()]);
  });

  it('setState/getState round-trip, then evaluate and forward at another batch size', async () => {
    const program = await regressionProgram('float64', { name: 'adam', lr: 0.01 });
    const [ort, torch] = await pair(program);
    const data = batches(program, 3);
    for (let k = 1; k <= 3; k++) await ort.step(data[k - 1], 0.01, k);
    torch.setState(ort.getState());
    expectSameState(torch.getState(), ort.getState(), TOL.float64);
    // Continuing from the copied state (Adam's step count comes from the step index) keeps them together.
    const [a, b] = await Promise.all([ort.step(data[0], 0.01, 4), torch.step(data[0], 0.01, 4)]);
    expect(b.loss).toBeCloseTo(a.loss, 12);
    expectSameState(torch.getState(), ort.getState(), TOL.float64);
    const [big] = batches(program, 1, 3, 40);
    const [ea, eb] = await Promise.all([ort.evaluate(big), torch.evaluate(big)]);
    expect(eb.loss).toBeCloseTo(ea.loss, 12);
    const [fa, fb] = await Promise.all([ort.forward(big), torch.forward(big)]);
    expect(mismatch(fb.get('y_hat')!, fa.get('y_hat')!, TOL.float64)).toBeUndefined();
    expect(() => torch.setState(new Map([['nope', big.get('x')!]]))).toThrow(/"nope" are not state of this program/);
    await Promise.all([ort.dispose(), torch.dispose()]);
  });
});
