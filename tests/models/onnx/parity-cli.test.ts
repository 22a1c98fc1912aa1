import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpzFile } from '../../../src/data/npz.ts';
import { Rng } from '../../../src/data/rng.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli, runStatuses } from '../../cli/run-cli.ts';
import { exportTorchModels } from './exported-models.ts';

const { ref, skip } = await openReference('onnx parity-cli');
await ref.dispose();

let dir = '';
let cleanup = () => {};
beforeAll(async () => {
  if (skip) return;
  ({ dir, cleanup } = await exportTorchModels());
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
afterAll(() => cleanup());

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
});
