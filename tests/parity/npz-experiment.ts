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
 * The tests' experiments on their own data: `data` written to `<name>.npz`, and `<name>.yaml` fitting one model output
 * to one data key (mse, Adam unless told) with it. Written into `dir`, or a fresh temporary folder. Returns the config path.
 */
export function writeNpzExperiment(o: {
  readonly name: string;
  readonly dir?: string;
  readonly data: Readonly<Record<string, NpzKey>>;
  /** The `model:` section as one YAML flow mapping. */
  readonly model: string;
  readonly batchSize: number;
  readonly lr: number;
  /** torch.optim's name (default adam). */
  readonly optimizer?: 'adam' | 'sgd';
  readonly epochs?: number;
  /** The model output fitted and the data key it is fitted to: `y_hat` to `y` unless given. */
  readonly fit?: { readonly output: string; readonly target: string };
  /** The `train.loss:` section as one YAML flow mapping, instead of the mse `fit`. */
  readonly loss?: string;
  /** The `parity:` section as one YAML flow mapping. */
  readonly parity?: string;
}): string {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), `tandem-parity-${o.name}-`));
  const data = join(dir, `${o.name}.npz`);
  const keys = Object.entries(o.data);
  writeNpzFile(data, Object.fromEntries(keys.map(([k, v]) => [k, { dtype: 'float32', shape: [...v.shape], data: v.data, dims: [...v.dims] }])));
  const key = (k: NpzKey) => `{ dtype: float32, dims: [${k.dims.join(', ')}], shape: [n, ${k.shape.slice(1).join(', ')}] }`;
  const fit = o.fit ?? { output: 'y_hat', target: 'y' };
  const config = join(dir, `${o.name}.yaml`);
  writeFileSync(
    config,
    `experiment: { name: ${o.name}, seed: 0 }
adapter:
  name: npz
  params:
    path: ${data}
    keys:
${keys.map(([k, v]) => `      ${k}: ${key(v)}`).join('\n')}
model: ${o.model}
backend: { name: onnxruntime, params: {} }
train:
  epochs: ${o.epochs ?? 1}
  batch_size: ${o.batchSize}
  optimizer: { name: ${o.optimizer ?? 'adam'}, lr: ${o.lr.toExponential()} }
  loss: ${o.loss ?? `{ data: { kind: mse, output: ${fit.output}, target: ${fit.target} } }`}
${o.parity ? `parity: ${o.parity}\n` : ''}`,
  );
  return config;
}

/** The `model:` section loading an exported ONNX file, unmodified. */
export const onnxModel = (path: string) => `{ name: onnx, params: { path: ${path} } }`;
