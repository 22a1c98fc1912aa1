import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpzFile } from '../../src/data/npz.ts';

/** One float32 data key: its per-sample layout is `shape` without the leading sample axis. */
export interface NpzKey {
  readonly shape: readonly number[];
  readonly dims: readonly string[];
  readonly data: Float32Array;
}

/**
 * The parity tests' experiments: inputs `x` and targets `y` written to an npz file, and a config fitting `model`'s
 * `y_hat` to `y` (mse, Adam unless told) with them, in a fresh temporary folder. Returns the config path.
 */
export function writeNpzExperiment(o: {
  readonly name: string;
  readonly x: NpzKey;
  readonly y: NpzKey;
  /** The `model:` section as one YAML flow mapping. */
  readonly model: string;
  readonly batchSize: number;
  readonly lr: number;
  /** torch.optim's name (default adam). */
  readonly optimizer?: 'adam' | 'sgd';
  /** The `parity:` section as one YAML flow mapping. */
  readonly parity: string;
}): string {
  const dir = mkdtempSync(join(tmpdir(), `tandem-parity-${o.name}-`));
  const data = join(dir, `${o.name}.npz`);
  writeNpzFile(data, {
    x: { dtype: 'float32', shape: [...o.x.shape], data: o.x.data, dims: [...o.x.dims] },
    y: { dtype: 'float32', shape: [...o.y.shape], data: o.y.data, dims: [...o.y.dims] },
  });
  const key = (k: NpzKey) => `{ dtype: float32, dims: [${k.dims.join(', ')}], shape: [n, ${k.shape.slice(1).join(', ')}] }`;
  const config = join(dir, `${o.name}.yaml`);
  writeFileSync(
    config,
    `experiment: { name: ${o.name}, seed: 0 }
adapter:
  name: npz
  params:
    path: ${data}
    keys:
      x: ${key(o.x)}
      y: ${key(o.y)}
model: ${o.model}
backend: { name: onnxruntime, params: {} }
train:
  epochs: 1
  batch_size: ${o.batchSize}
  optimizer: { name: ${o.optimizer ?? 'adam'}, lr: ${o.lr.toExponential()} }
  loss: { data: { kind: mse, output: y_hat, target: y } }
parity: ${o.parity}
`,
  );
  return config;
}

/** The `model:` section loading an exported ONNX file, unmodified. */
export const onnxModel = (path: string) => `{ name: onnx, params: { path: ${path} } }`;
