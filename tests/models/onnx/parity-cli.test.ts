import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mismatch } from '../../../src/conformance/compare.ts';
import { readNpzFile, writeNpzFile } from '../../../src/data/npz.ts';
import { tensor } from '../../../src/graph/tensor.ts';
import { Rng } from '../../../src/data/rng.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli, runStatuses } from '../../cli/run-cli.ts';
import { writeNpzExperiment } from '../../parity/npz-experiment.ts';
import { expectedOf, exportTorchModels, firstSamples } from './exported-models.ts';

const { ref, skip } = await openReference('onnx parity-cli');
await ref.dispose();

let dir = '';
let cleanup = () => {};
let aeDir = '';
let aeCleanup = () => {};
beforeAll(async () => {
  if (skip) return;
  ({ dir, cleanup } = await exportTorchModels());
  ({ dir: aeDir, cleanup: aeCleanup } = await exportTorchModels('export_autoencoder.py'));
  writeAutoencoderExperiment(aeDir);
  const rng = new Rng(4);
  const n = 64;
  const x = Float32Array.from({ length: 2 * n }, () => 2 * rng.uniform() - 1);
  const y = Float32Array.from({ length: n }, (_, i) => Math.sin(Math.PI * x[2 * i]) * x[2 * i + 1]);
  writeNpzFile(join(dir, 'data.npz'), { points: { dtype: 'float32', shape: [n, 2], data: x }, u: { dtype: 'float32', shape: [n, 1], data: y } });
  // The bring-your-own-model example of specs/bring-your-own-model.md, with this test's paths.
  writeFileSync(join(dir, 'byom.yaml'), `
experiment: { name: byom, seed: 0 }
adapter:
  name: npz
  params:
    path: ${join(dir, 'data.npz')}
    keys:
      points: { dtype: float32, dims: [batch, vector], shape: [n, 2] }
      u: { dtype: float32, dims: [batch, vector], shape: [n, 1] }
model:
  name: onnx
  params:
    path: ${join(dir, 'mlp.onnx')}
    inputs: { x: points }
    outputs: { y: u_hat }
    freeze: ['0.bias']
backend: { name: onnxruntime }
train:
  epochs: 2
  batch_size: 16
  optimizer: { name: adam, lr: 0.01 }
  loss:
    data: { kind: mse, output: u_hat, target: u }
tracker: { name: none }
reporter: { name: json }
`);
}, 60_000);
afterAll(() => {
  cleanup();
  aeCleanup();
});

/** Diffraction-like images → amplitude and phase maps; the values are noise, the point is the graph. */
function writeAutoencoderExperiment(at: string): void {
  const rng = new Rng(5);
  const n = 16;
  const noise = (size: number) => Float32Array.from({ length: size }, () => rng.uniform());
  writeNpzExperiment({
    name: 'autoencoder',
    dir: at,
    data: {
      diffraction: { shape: [n, 1, 10, 10], dims: ['batch', 'channel', 'x', 'y'], data: noise(n * 100) },
      object: { shape: [n, 2, 10, 10], dims: ['batch', 'channel', 'x', 'y'], data: noise(n * 200) },
    },
    model: `{ name: onnx, params: { path: ${join(at, 'autoencoder.onnx')}, inputs: { x: diffraction }, outputs: { y: object_hat } } }`,
    batchSize: 4,
    lr: 0.01,
    epochs: 2,
    fit: { output: 'object_hat', target: 'object' },
  });
}

describe.skipIf(!!skip)('an exported torch model through the whole product: tandem run and tandem parity', () => {
  it('tandem run trains it on tfjs to the end', async () => {
    const r = await cli('run', join(dir, 'byom.yaml'), 'backend.name=tfjs', '--outputs', join(dir, 'runs'));
    expect(r.code, r.stderr).toBe(0);
    expect(runStatuses(join(dir, 'runs'))).toEqual(['complete']);
  }, 120_000);

  it('tandem parity: every stage on onnxruntime and tfjs passes against live torch', async () => {
    const r = await cli('parity', join(dir, 'byom.yaml'), '+parity.trajectory_steps=10', '--outputs', join(dir, 'parity'));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/onnxruntime(\s+pass){4,}/);
    expect(r.stdout).toMatch(/tfjs(\s+pass){4,}/);
    expect(r.stdout).toMatch(/PASS: \d+ pass, 0 fail, 0 error/);
  }, 180_000);

  it('a PtychoPINN-style autoencoder (decoder padding computed from shapes, amplitude and phase heads) trains on tfjs and passes tandem parity', async () => {
    const run = await cli('run', join(aeDir, 'autoencoder.yaml'), 'backend.name=tfjs', '--outputs', join(aeDir, 'runs'));
    expect(run.code, run.stderr).toBe(0);
    expect(runStatuses(join(aeDir, 'runs'))).toEqual(['complete']);
    const r = await cli('parity', join(aeDir, 'autoencoder.yaml'), '+parity.trajectory_steps=5', '--outputs', join(aeDir, 'parity'));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/onnxruntime(\s+pass){7}/);
    expect(r.stdout).toMatch(/tfjs(\s+pass){7}/);
  }, 240_000);

  it('a static export with batch 8 baked in: tandem run evaluates a 4-sample validation split, and tandem infer runs 5 samples (torch\'s outputs)', async () => {
    const { x, y } = expectedOf(dir, 'viewbatch');
    const rng = new Rng(7);
    const noise = (shape: number[]) => ({ dtype: 'float32' as const, shape, data: Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => rng.uniform()) });
    writeNpzFile(join(dir, 'views.npz'), { x: noise([20, 3, 4]), y: noise([20, 2]) });
    writeNpzFile(join(dir, 'views-in.npz'), { x: firstSamples(x, 5) });
    // lr 1e-30 keeps the exported weights, so the predictions are the torch module's own outputs.
    writeFileSync(join(dir, 'viewbatch.yaml'), `
experiment: { name: viewbatch, seed: 0 }
adapter:
  name: npz
  params:
    path: ${join(dir, 'views.npz')}
    keys:
      x: { dtype: float32, dims: [batch, x, y], shape: [n, 3, 4] }
      y: { dtype: float32, dims: [batch, vector], shape: [n, 2] }
model:
  name: onnx
  params: { path: ${join(dir, 'viewbatch.onnx')}, outputs: { y: y_hat } }
backend: { name: onnxruntime }
train:
  epochs: 1
  batch_size: 8
  checkpoint: { every_n_epochs: 1 }
  optimizer: { name: sgd, lr: 1.0e-30 }
  loss:
    data: { kind: mse, output: y_hat, target: y }
tracker: { name: none }
reporter: { name: json }
`);
    const outputs = join(dir, 'views-runs');
    const run = await cli('run', join(dir, 'viewbatch.yaml'), '--outputs', outputs);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/train 16, validation 4/);
    const infer = await cli('infer', '--checkpoint', 'last', '--outputs', outputs, '--input', join(dir, 'views-in.npz'), '--output', join(dir, 'views-out.npz'));
    expect(infer.code, infer.stderr).toBe(0);
    const got = readNpzFile(join(dir, 'views-out.npz')).arrays.get('y_hat')!;
    expect(mismatch(tensor('float32', got.shape, got.data as Float32Array), firstSamples(y, 5), { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
  }, 120_000);
});
