import { rngFor } from '../../src/data/rng.ts';
import { onnxModel, writeNpzExperiment } from './npz-experiment.ts';

const [N, SIZE, CLASSES] = [30, 32, 4];

/**
 * 30 random 3×32×32 images (24 train, 6 validation; batches of 4) and 4 targets each: the mean of one channel over
 * one quadrant, so a convnet can fit them. The model is an exported ONNX file (export_vision.py), loaded unmodified.
 */
export function writeVisionExperiment(onnx: string, options: { lr: number; steps: number }): string {
  const rng = rngFor(5, 'parity-vision');
  const x = new Float32Array(N * 3 * SIZE * SIZE).map(() => rng.normal());
  const y = new Float32Array(N * CLASSES);
  const half = SIZE / 2;
  for (let s = 0; s < N; s++) {
    for (let k = 0; k < CLASSES; k++) {
      const [c, qy, qx] = [k % 3, Math.floor(k / 2) * half, (k % 2) * half];
      let sum = 0;
      for (let i = 0; i < half; i++) for (let j = 0; j < half; j++) sum += x[((s * 3 + c) * SIZE + qy + i) * SIZE + qx + j];
      y[s * CLASSES + k] = sum / (half * half);
    }
  }
  return writeNpzExperiment({
    name: 'vision',
    data: { x: { shape: [N, 3, SIZE, SIZE], dims: ['batch', 'channel', 'y', 'x'], data: x }, y: { shape: [N, CLASSES], dims: ['batch', 'class'], data: y } },
    model: onnxModel(onnx),
    batchSize: 4,
    lr: options.lr,
    parity: `{ trajectory_steps: ${options.steps} }`,
  });
}
