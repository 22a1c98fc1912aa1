import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpzFile } from '../../src/data/npz.ts';
import { rngFor } from '../../src/data/rng.ts';
import { exportTorchModels } from '../models/onnx/exported-models.ts';

/**
 * A training-mode BatchNorm experiment: torch's Conv → BatchNorm2d(momentum 0.2) → ReLU → Linear, exported with
 * TrainingMode.TRAINING (tests/models/onnx/export_batchnorm_models.py), fitted to a fixed function of x. Its
 * running statistics are buffers, so the step and trajectory stages compare them. Returns the config path and
 * a cleanup for the temporary folder.
 */
export async function writeBatchNormExperiment(): Promise<{ config: string; cleanup: () => void }> {
  const { dir, cleanup } = await exportTorchModels('export_batchnorm_models.py');
  const n = 32;
  const rng = rngFor(11, 'parity-batchnorm');
  const x = new Float32Array(n * 72).map(() => rng.normal());
  const y = new Float32Array(n * 3).map((_, i) => Math.tanh(x[Math.floor(i / 3) * 72 + (i % 3) * 7]));
  const data = join(dir, 'batchnorm.npz');
  writeNpzFile(data, {
    x: { dtype: 'float32', shape: [n, 2, 6, 6], data: x, dims: ['batch', 'channel', 'y', 'x'] },
    y: { dtype: 'float32', shape: [n, 3], data: y, dims: ['batch', 'vector'] },
  });
  const config = join(dir, 'batchnorm.yaml');
  writeFileSync(
    config,
    `experiment: { name: batchnorm, seed: 0 }
adapter:
  name: npz
  params:
    path: ${data}
    keys:
      x: { dtype: float32, dims: [batch, channel, y, x], shape: [n, 2, 6, 6] }
      y: { dtype: float32, dims: [batch, vector], shape: [n, 3] }
model: { name: onnx, params: { path: ${join(dir, 'convbn.onnx')}, outputs: { y: y_hat } } }
backend: { name: onnxruntime, params: {} }
train:
  epochs: 1
  batch_size: 8
  optimizer: { name: adam, lr: 1.0e-2 }
  loss: { data: { kind: mse, output: y_hat, target: y } }
parity: { backends: [onnxruntime, tfjs], trajectory_steps: 4 }
`,
  );
  return { config, cleanup };
}
