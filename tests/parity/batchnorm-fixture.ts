import { join } from 'node:path';
import { rngFor } from '../../src/data/rng.ts';
import { exportTorchModels } from '../models/onnx/exported-models.ts';
import { writeNpzExperiment } from './npz-experiment.ts';

/**
 * A training-mode BatchNorm experiment: torch's Conv → BatchNorm2d(momentum 0.2) → ReLU → Linear, exported with
 * TrainingMode.TRAINING (tests/models/onnx/export_batchnorm_models.py), fitted to a fixed function of x. Its
 * running statistics are buffers, so the step and trajectory stages compare them. Returns the config path, the
 * folder of the exported models (convbn.onnx, convbn_fixed.onnx, linearbn.onnx) and a cleanup for it.
 */
export async function writeBatchNormExperiment(): Promise<{ config: string; models: string; cleanup: () => void }> {
  const { dir, cleanup } = await exportTorchModels('export_batchnorm_models.py');
  const n = 32;
  const rng = rngFor(11, 'parity-batchnorm');
  const x = new Float32Array(n * 72).map(() => rng.normal());
  const y = new Float32Array(n * 3).map((_, i) => Math.tanh(x[Math.floor(i / 3) * 72 + (i % 3) * 7]));
  const dims = ['batch', 'channel', 'y', 'x'];
  const config = writeNpzExperiment({
    name: 'batchnorm',
    data: { x: { shape: [n, 2, 6, 6], dims, data: x }, y: { shape: [n, 3], dims: ['batch', 'vector'], data: y } },
    model: `{ name: onnx, params: { path: ${join(dir, 'convbn.onnx')}, outputs: { y: y_hat } } }`,
    batchSize: 8,
    lr: 1e-2,
    parity: '{ backends: [onnxruntime, tfjs], trajectory_steps: 4 }',
  });
  return { config, models: dir, cleanup };
}
