import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { readNpzFile } from '../../../src/data/npz.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import { onnxModel } from '../../../src/plugins/models/onnx/onnx-model.ts';
import { lossBuilder } from '../../../src/train/losses/loss-builder.ts';
import { createOptimizer } from '../../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../../src/train/program.ts';

/**
 * Exports test models with Debian's torch 1.13 (`script`, an export_*.py beside this file or an absolute path, with
 * `args`) into a fresh temp dir, exactly as a user's torch.onnx.export would write them. Returns the dir and a cleanup.
 */
export async function exportTorchModels(script = 'export_torch_models.py', args: readonly string[] = []): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-onnx-'));
  await execa('/usr/bin/python3', ['-W', 'ignore', resolve(import.meta.dirname, script), dir, ...args]);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What the export script saved for model `name`: its example input and the torch module's own output. */
export function expectedOf(dir: string, name: string): { x: Tensor; y: Tensor } {
  const npz = readNpzFile(join(dir, 'expected.npz')).arrays;
  const t = (k: string): Tensor => {
    const a = npz.get(`${name}.${k}`)!;
    return tensor('float32', a.shape, a.data as Float32Array);
  };
  return { x: t('x'), y: t('y') };
}

export interface OnnxProgramOptions {
  readonly params?: Record<string, unknown>;
  readonly batch?: number;
  readonly dtype?: 'float32' | 'float64';
}

/** The onnx model at `path` (graph input x, output y → y_hat) in an mse training program with Adam. */
export async function onnxProgram(path: string, sample: readonly number[], target: readonly number[], opts: OnnxProgramOptions = {}): Promise<TrainingProgram> {
  const dtype = opts.dtype ?? 'float32';
  return buildTrainingProgram(
    {
      name: path,
      model: await onnxModel.create(onnxModel.params.parse({ path, outputs: { y: 'y_hat' }, ...opts.params })),
      seed: 3,
      dtype,
      inputs: { x: { dtype, shape: [...sample], perSample: true }, y: { dtype, shape: [...target], perSample: true } },
      loss: lossBuilder({ data: { kind: 'mse', output: 'y_hat', target: 'y', weight: 1 } }),
      optimizer: createOptimizer({ name: 'adam', lr: 0.01 }),
    },
    opts.batch ?? 6,
  );
}

/** The first `n` samples of a batch-major tensor. */
export function firstSamples(t: Tensor, n: number): Tensor {
  const per = t.data.length / t.shape[0];
  return tensor(t.dtype, [n, ...t.shape.slice(1)], (t.data as Float32Array).slice(0, n * per));
}
