import { join } from 'node:path';
import { stringify } from 'yaml';
import { encodeNpz } from '../../data/npz.ts';
import { rngFor } from '../../data/rng.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import type { ZooExport } from './zoo-export.ts';

/** What every zoo model trains with: 16 seeded samples (12 train, 4 validation), batch 4, Adam, an mse loss. */
export const ZOO_SETTINGS = { samples: 16, validation: 0.25, batchSize: 4, lr: 1e-3, trajectorySteps: 4, backends: ['onnxruntime', 'tfjs'] } as const;

type Exported = ZooExport & Required<Pick<ZooExport, 'input' | 'output'>>;

/**
 * Writes the model's synthetic data (`<dir>/<name>.npz`: inputs uniform in [-1, 1), or token ids below the
 * vocabulary; targets uniform in [-1, 1), seeded by the model's name) and its experiment config
 * (`<dir>/<name>.yaml`, an ordinary tandem config: `tandem parity` on it reproduces the zoo's row). Returns the
 * config path.
 */
export function writeZooExperiment(model: Exported, onnxPath: string, dir: string): string {
  const { samples, validation, batchSize, lr, trajectorySteps, backends } = ZOO_SETTINGS;
  const rng = rngFor(0, 'zoo', model.name);
  const perSample = (shape: readonly number[]) => shape.slice(1).reduce((a, d) => a * d, 1);
  const inputSize = samples * perSample(model.input.shape);
  const tokens = model.input.tokens;
  const x = tokens ? BigInt64Array.from({ length: inputSize }, () => BigInt(rng.int(tokens))) : Float32Array.from({ length: inputSize }, () => 2 * rng.uniform() - 1);
  const y = Float32Array.from({ length: samples * perSample(model.output.shape) }, () => 2 * rng.uniform() - 1);
  const shapeOf = (shape: readonly number[]) => [samples, ...shape.slice(1)];
  const data = join(dir, `${model.name}.npz`);
  writeFileAtomic(
    data,
    encodeNpz({
      x: { dtype: model.input.dtype, shape: shapeOf(model.input.shape), data: x, dims: model.input.dims },
      y: { dtype: 'float32', shape: shapeOf(model.output.shape), data: y, dims: model.output.dims },
    }),
  );
  const config = {
    experiment: { name: model.name, seed: 0 },
    adapter: {
      name: 'npz',
      params: {
        path: data,
        keys: {
          x: { dtype: model.input.dtype, dims: model.input.dims, shape: ['n', ...model.input.shape.slice(1)] },
          y: { dtype: 'float32', dims: model.output.dims, shape: ['n', ...model.output.shape.slice(1)] },
        },
        split: { validation },
      },
    },
    model: { name: 'onnx', params: { path: onnxPath, outputs: { y: 'y_hat' } } },
    backend: { name: 'onnxruntime' },
    train: { epochs: 1, batch_size: batchSize, optimizer: { name: 'adam', lr }, loss: { data: { kind: 'mse', output: 'y_hat', target: 'y' } } },
    parity: { backends: [...backends], trajectory_steps: trajectorySteps },
  };
  const path = join(dir, `${model.name}.yaml`);
  writeFileAtomic(path, `# tandem zoo: ${model.what}\n${stringify(config)}`);
  return path;
}
