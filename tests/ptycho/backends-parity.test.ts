import { afterAll, describe, expect, it } from 'vitest';
import { mismatch, type Tolerance } from '../../src/conformance/compare.ts';
import { TorchSession } from '../../src/plugins/backends/torch/torch-session.ts';
import type { GradientsResult, Session } from '../../src/contracts/backend.ts';
import { compileOn } from '../backends/cross/backend-sessions.ts';
import { openReference } from '../backends/torch/torch-available.ts';
import { tinyPtycho } from './program-fixture.ts';

// specs/ptycho.md §5: the ptycho graph (convs, DFT far field, Poisson NLL) on ONNX Runtime (native DFT), tfjs (DFT
// lowered to matmuls) and the independent PyTorch reference (torch.fft + torch.autograd): same loss, same gradients.

const { ref, skip } = await openReference('ptycho backends-parity');
afterAll(() => ref.dispose());

// float32 everywhere; the loss sums ~10³-count pixels, so compare relative to each gradient's own scale.
const LOSS_RTOL = 1e-4;
const GRAD_RTOL = 2e-3;

function compareGradients(label: string, got: GradientsResult, want: GradientsResult): void {
  expect(Math.abs(got.loss - want.loss), `${label}: loss ${got.loss} vs ${want.loss}`).toBeLessThanOrEqual(LOSS_RTOL * Math.abs(want.loss));
  expect([...got.grads.keys()]).toEqual([...want.grads.keys()]);
  for (const [name, w] of want.grads) {
    const scale = Math.max(...Array.from(w.data as Float32Array, Math.abs));
    const tol: Tolerance = { rtol: GRAD_RTOL, atol: GRAD_RTOL * scale };
    expect(mismatch(got.grads.get(name)!, w, tol), `${label}: grad:${name}`).toBeUndefined();
  }
}

describe('ptycho program across backends (gridsize 2: 4 channels)', () => {
  it('ORT and tfjs agree with each other on loss and every gradient', async () => {
    const { program, batch } = await tinyPtycho('parity-graph', { gridsize: 2 });
    const sessions: Session[] = [await compileOn('onnxruntime', program), await compileOn('tfjs', program)];
    const [ort, tfjs] = await Promise.all(sessions.map((s) => s.gradients(batch)));
    compareGradients('tfjs vs ORT', tfjs, ort);
    // Not a trivial agreement: the gradients are non-zero and the loss is the NLL of real counts.
    expect(Math.max(...Array.from(ort.grads.get('amplitude_head.weight')!.data as Float32Array, Math.abs))).toBeGreaterThan(0);
    await Promise.all(sessions.map((s) => s.dispose()));
  }, 60_000);

  it.skipIf(!!skip)('ORT and tfjs agree with torch.fft + torch.autograd', async () => {
    const { program, batch } = await tinyPtycho('parity-torch', { gridsize: 2 });
    const torch = await TorchSession.create(program, ref, false);
    const want = await torch.gradients(batch);
    for (const backend of ['onnxruntime', 'tfjs'] as const) {
      const s = await compileOn(backend, program);
      compareGradients(`${backend} vs torch`, await s.gradients(batch), want);
      await s.dispose();
    }
    await torch.dispose();
  }, 120_000);
});
