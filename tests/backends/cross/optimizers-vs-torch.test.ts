import { afterAll, describe, expect, it } from 'vitest';
import { mismatch, type Tolerance } from '../../../src/conformance/compare.ts';
import { TorchSession } from '../../../src/plugins/backends/torch/torch-session.ts';
import type { TrainingProgram } from '../../../src/train/program.ts';
import { batches, regressionProgram } from '../torch/program-fixtures.ts';
import { openReference } from '../torch/torch-available.ts';
import { compileOn, GRAPH_BACKENDS, type GraphBackend } from './backend-sessions.ts';

const { ref, skip } = await openReference('optimizers-vs-torch');
afterAll(() => ref.dispose());

const STEPS = 50;
// float32 on both sides: ATen vs MLAS/XNNPACK summation orders, compounded over 50 updates (as session-vs-ort).
const TOL: Tolerance = { rtol: 2e-4, atol: 2e-5 };

interface Case {
  readonly optimizer: Record<string, unknown>;
  readonly clip?: { max_norm: number };
  /** Already run on onnxruntime for 50 steps by tests/backends/torch/session-vs-ort.test.ts. */
  readonly ortCoveredBy?: string;
}

/** Every optimizer variant of the training engine, with torch.optim's keyword arguments. */
const CASES: Record<string, Case> = {
  'SGD': { optimizer: { name: 'sgd', lr: 0.05 } },
  'SGD momentum + weight decay': { optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, weight_decay: 1e-3 } },
  'SGD nesterov + weight decay': { optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3 }, ortCoveredBy: 'session-vs-ort' },
  'SGD dampened momentum': { optimizer: { name: 'sgd', lr: 0.05, momentum: 0.8, dampening: 0.3 }, ortCoveredBy: 'session-vs-ort (float64)' },
  'SGD maximize': { optimizer: { name: 'sgd', lr: 0.01, momentum: 0.5, maximize: true } },
  'Adam + weight decay': { optimizer: { name: 'adam', lr: 0.01, betas: [0.8, 0.99], weight_decay: 0.01 }, ortCoveredBy: 'session-vs-ort' },
  'Adam amsgrad': { optimizer: { name: 'adam', lr: 0.01, amsgrad: true } },
  'Adam maximize': { optimizer: { name: 'adam', lr: 0.005, maximize: true } },
  // session-vs-ort clips always (max_norm 0.05, float64); here the norm crosses max_norm, so both branches run.
  'Adam with clip_grad_norm_': { optimizer: { name: 'adam', lr: 0.01 }, clip: { max_norm: 0.3 } },
  'AdamW': { optimizer: { name: 'adamw', lr: 0.01, weight_decay: 0.1 } },
  'AdamW amsgrad': { optimizer: { name: 'adamw', lr: 0.01, amsgrad: true }, ortCoveredBy: 'session-vs-ort' },
};

/** tandem's graphs on `backend` vs torch.autograd + torch.optim, the same varying LR fed to both. */
async function trainAgainstTorch(backend: GraphBackend, program: TrainingProgram, lr0: number): Promise<number[]> {
  const [ours, torch] = [await compileOn(backend, program), await TorchSession.create(program, ref, false)];
  const data = batches(program, 5);
  const norms: number[] = [];
  for (let k = 1; k <= STEPS; k++) {
    const lr = lr0 * (1 + 0.5 * Math.cos(0.2 * k));
    const [a, b] = [await ours.step(data[k % 5], lr, k), await torch.step(data[k % 5], lr, k)];
    expect(Math.abs(a.loss - b.loss), `loss before update ${k}`).toBeLessThanOrEqual(TOL.atol + TOL.rtol * Math.abs(b.loss));
    if (b.gradNorm !== undefined) norms.push(b.gradNorm);
    if (b.gradNorm !== undefined) expect(Math.abs(a.gradNorm! - b.gradNorm), `grad norm at update ${k}`).toBeLessThanOrEqual(TOL.atol + TOL.rtol * b.gradNorm);
  }
  const [got, want] = [ours.getState(), torch.getState()];
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [name, w] of want) expect(mismatch(got.get(name)!, w, TOL), `${backend} state "${name}" after ${STEPS} updates`).toBeUndefined();
  expect(mismatch(want.get('layers.0.weight')!, program.initialState().get('layers.0.weight')!, TOL)).toBeDefined(); // it moved
  await Promise.all([ours.dispose(), torch.dispose()]);
  return norms;
}

for (const backend of GRAPH_BACKENDS) {
  describe.skipIf(!!skip)(`every optimizer on ${backend} matches torch.optim over ${STEPS} steps (float32; parameters and slots)`, () => {
    for (const [label, c] of Object.entries(CASES)) {
      if (backend === 'onnxruntime' && c.ortCoveredBy) continue;
      it(label, async () => {
        const norms = await trainAgainstTorch(backend, await regressionProgram('float32', c.optimizer, 16, c.clip), Number(c.optimizer.lr));
        if (c.clip) expect(Math.min(...norms) < c.clip.max_norm && Math.max(...norms) > c.clip.max_norm, 'the gradient norm crosses max_norm').toBe(true);
      });
    }
  });
}
