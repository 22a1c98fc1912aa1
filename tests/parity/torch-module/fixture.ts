import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { writeNpzFile } from '../../../src/data/npz.ts';
import { rngFor } from '../../../src/data/rng.ts';

/**
 * The torch-module reference experiments: ports.py (a circular Conv1d → LayerNorm → GELU → Linear block and
 * slightly wrong ports of it) copied beside the configs, the graphs export_ports.py writes with torch 1.13, and
 * data x → y [n, 2, 16]. x is small (std 0.1), as a normalized physical field often is, so the LayerNorm's
 * eps is not negligible against its variance: that is where an eps of 1e-6 instead of 1e-5 shows.
 */
export async function writeModuleExperiments(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-torch-module-'));
  copyFileSync(join(import.meta.dirname, 'ports.py'), join(dir, 'ports.py'));
  await execa('/usr/bin/python3', ['-W', 'ignore', join(import.meta.dirname, 'export_ports.py'), dir]);
  const n = 32;
  const rng = rngFor(5, 'torch-module');
  const x = Float32Array.from({ length: n * 32 }, () => 0.1 * rng.normal());
  const y = Float32Array.from({ length: n * 32 }, (_, i) => Math.sin(x[i] * 10) + 0.1 * x[(i + 1) % x.length] * 10);
  const dims = ['batch', 'channel', 'x'];
  writeNpzFile(join(dir, 'data.npz'), { x: { dtype: 'float32', shape: [n, 2, 16], data: x, dims }, y: { dtype: 'float32', shape: [n, 2, 16], data: y, dims } });
  return dir;
}

/** A config training `graph` (an .onnx in `dir`) with `parity` added to its parity section (and `modelParams` to the onnx model's); returns its path. */
export function writeModuleConfig(dir: string, name: string, graph: string, parity: string, modelParams = ''): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `experiment: { name: ${name}, seed: 0 }
adapter:
  name: npz
  params:
    path: ${join(dir, 'data.npz')}
    keys:
      x: { dtype: float32, dims: [batch, channel, x], shape: [n, 2, 16] }
      y: { dtype: float32, dims: [batch, channel, x], shape: [n, 2, 16] }
model: { name: onnx, params: { path: ${join(dir, graph)}, outputs: { y: y_hat }${modelParams ? `, ${modelParams}` : ''} } }
backend: { name: onnxruntime }
train:
  epochs: 1
  batch_size: 8
  optimizer: { name: adam, lr: 1.0e-2 }
  loss: { data: { kind: mse, output: y_hat, target: y } }
parity: { backends: [onnxruntime], trajectory_steps: 3${parity ? `, ${parity}` : ''} }
`,
  );
  return path;
}
