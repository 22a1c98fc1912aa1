import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mismatch } from '../../../src/conformance/compare.ts';
import { Rng } from '../../../src/data/rng.ts';
import type { Session } from '../../../src/contracts/backend.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { tfjsBackend } from '../../../src/plugins/backends/tfjs/tfjs-backend.ts';
import { TorchSession } from '../../../src/plugins/backends/torch/torch-session.ts';
import type { TrainingProgram } from '../../../src/train/program.ts';
import { batches } from '../../backends/torch/program-fixtures.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli } from '../../cli/run-cli.ts';
import { writeNpzExperiment } from '../../parity/npz-experiment.ts';
import { expectedOf, exportTorchModels, firstSamples, onnxProgram } from './exported-models.ts';

const { ref, skip } = await openReference('recurrent');
let dir = '';
let cleanup = () => {};
beforeAll(async () => {
  if (skip) return;
  ({ dir, cleanup } = await exportTorchModels('export_recurrent_models.py'));
  writeExperiment();
}, 60_000);
afterAll(async () => {
  await ref.dispose();
  cleanup();
});

/** Noisy sequences → per-step targets, for `tandem parity` on nn.LSTM. */
function writeExperiment(): void {
  const rng = new Rng(6);
  const n = 16;
  const noise = (size: number) => Float32Array.from({ length: size }, () => 2 * rng.uniform() - 1);
  writeNpzExperiment({
    name: 'lstm',
    dir,
    data: { x: { shape: [n, 6, 3], dims: ['batch', 'time', 'vector'], data: noise(n * 18) }, y: { shape: [n, 6, 2], dims: ['batch', 'time', 'vector'], data: noise(n * 12) } },
    model: `{ name: onnx, params: { path: ${join(dir, 'lstm.onnx')}, outputs: { y: y_hat } } }`,
    batchSize: 4,
    lr: 0.01,
    epochs: 2,
  });
}

const BATCH = 3;
const MODELS: [name: string, what: string][] = [
  ['lstm', 'nn.LSTM'],
  ['lstm2bi', 'nn.LSTM, 2 layers, bidirectional'],
  ['gru', 'nn.GRU, bidirectional (linear_before_reset)'],
  ['rnn', "nn.RNN(nonlinearity='relu')"],
];

/** Sessions of the imported model on onnxruntime and tfjs, and with `withTorch` the torch reference. */
async function sessions(p: TrainingProgram, withTorch: boolean): Promise<Record<string, Session>> {
  return {
    onnxruntime: await (await ortBackend.create(ortBackend.params.parse({ threads: 1 }))).compile(p),
    tfjs: await (await tfjsBackend.create(tfjsBackend.params.parse({ device: 'wasm' }))).compile(p),
    ...(withTorch ? { torch: await TorchSession.create(p, ref, false) } : {}),
  };
}

const program = (name: string, batch: number) => onnxProgram(join(dir, `${name}.onnx`), [6, 3], [6, 2], { batch });

describe.skipIf(!!skip)('recurrent layers unrolled at import (LSTM, GRU, RNN over the static sequence length)', () => {
  for (const [name, what] of MODELS) {
    it(`${name} (${what}): the forward on onnxruntime and tfjs is the torch module's`, async () => {
      const { x, y } = expectedOf(dir, name);
      const feed = new Map([['x', firstSamples(x, BATCH)], ['y', firstSamples(y, BATCH)]]);
      const all = await sessions(await program(name, BATCH), false);
      for (const backend of ['onnxruntime', 'tfjs']) {
        const got = (await all[backend].forward(feed)).get('y_hat')!;
        expect(mismatch(got, firstSamples(y, BATCH), { rtol: 1e-4, atol: 1e-5 }), backend).toBeUndefined();
      }
      await Promise.all(Object.values(all).map((s) => s.dispose()));
    }, 60_000);
  }

  it('lstm2bi and gru: 3 Adam steps on onnxruntime and tfjs match the torch reference (every parameter and slot)', async () => {
    for (const name of ['lstm2bi', 'gru']) {
      const p = await program(name, 4);
      const all = await sessions(p, true);
      const data = batches(p, 2, 5);
      for (let k = 1; k <= 3; k++) for (const s of Object.values(all)) await s.step(data[k % 2], 0.01, k);
      const torch = all.torch.getState();
      for (const backend of ['onnxruntime', 'tfjs']) {
        const state = all[backend].getState();
        for (const [n, t] of torch) expect(mismatch(state.get(n)!, t, { rtol: 2e-4, atol: 2e-5 }), `${name} ${backend} ${n}`).toBeUndefined();
      }
      await Promise.all(Object.values(all).map((s) => s.dispose()));
    }
  }, 120_000);

  it('tandem parity passes every stage on onnxruntime and tfjs for nn.LSTM', async () => {
    const r = await cli('parity', join(dir, 'lstm.yaml'), '+parity.trajectory_steps=5', '--outputs', join(dir, 'parity'));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/onnxruntime(\s+pass){7}/);
    expect(r.stdout).toMatch(/tfjs(\s+pass){7}/);
  }, 240_000);
});
