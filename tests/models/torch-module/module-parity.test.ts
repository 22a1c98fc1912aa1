// spec: specs/models.md §3.1 "Parameters are the module's named_parameters()" and "BatchNorm and Dropout":
// `tandem parity` against the module itself passes every stage for a weight the module shares (one parameter,
// torch.autograd summing its gradient over both uses) beside two equal zero biases (two parameters), and for a
// training-mode BatchNorm (running statistics as buffers, updated by each step, compared in step and trajectory).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpzFile } from '../../../src/data/npz.ts';
import { Rng } from '../../../src/data/rng.ts';
import { STAGES } from '../../../src/parity/report.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli } from '../../cli/run-cli.ts';

const { ref, skip } = await openReference('torch-module shared weights');
await ref.dispose();
const dir = mkdtempSync(join(tmpdir(), 'tandem-torch-module-shared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(factory: string): string {
  const rng = new Rng(5);
  const n = 16;
  const noise = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() * 2 - 1);
  writeNpzFile(join(dir, 'rows.npz'), { x: { dtype: 'float32', shape: [n, 1, 8], data: noise([n, 1, 8]) }, y: { dtype: 'float32', shape: [n, 8], data: noise([n, 8]) } });
  const file = join(dir, `${factory}.yaml`);
  writeFileSync(file, `
experiment: { name: ${factory}, seed: 0 }
adapter:
  name: npz
  params:
    path: ${join(dir, 'rows.npz')}
    keys:
      x: { dtype: float32, dims: [batch, channel, x], shape: [n, 1, 8] }
      y: { dtype: float32, dims: [batch, x], shape: [n, 8] }
model:
  name: torch-module
  params: { module: ${join(import.meta.dirname, 'modules.py')}:${factory}, inputs: { x: x }, outputs: { y: y_hat } }
backend: { name: onnxruntime }
train:
  epochs: 1
  batch_size: 4
  optimizer: { name: adam, lr: 0.01 }
  loss:
    data: { kind: mse, output: y_hat, target: y }
tracker: { name: none }
reporter: { name: json }
parity: { trajectory_steps: 3 }
`);
  return file;
}

describe.skipIf(!!skip)('torch-module: parity against the module itself', () => {
  for (const [factory, what] of [
    ['good', 'a shared weight and two equal zero biases'],
    ['normed', 'BatchNorm in training mode, its running statistics as buffers'],
  ]) {
    it(`${what}: every stage passes on onnxruntime and tfjs`, async () => {
      const r = await cli('parity', config(factory), '--outputs', join(dir, 'outputs'), '--json');
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { reference: { name: string }; cases: { id: string; verdict: string; tensors: { name: string }[] }[] };
      expect(report.reference.name).toMatch(new RegExp(`^torch-module:.*modules\\.py:${factory}$`));
      expect(report.cases.map((c) => c.id).sort()).toEqual(['onnxruntime', 'tfjs'].flatMap((b) => STAGES.map((s) => `${factory}/${b}/${s}`)).sort());
      expect(report.cases.filter((c) => c.verdict !== 'pass')).toEqual([]);
      if (factory === 'normed') {
        const step = report.cases.find((c) => c.id === `${factory}/onnxruntime/step`)!;
        expect(step.tensors.map((t) => t.name)).toEqual(expect.arrayContaining([expect.stringMatching(/bn\.running_mean/), expect.stringMatching(/bn\.running_var/)]));
      }
    }, 90_000);
  }
});
