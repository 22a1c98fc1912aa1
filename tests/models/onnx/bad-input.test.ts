// spec: specs/bring-your-own-model.md §3 (what is refused) and specs/config-handshake.md §9 (exit codes).
// Every row runs the real CLI on one ONNX file tandem must refuse and checks: exit code 2, one message naming the
// node or the file, and that nothing but the failed run's own record was written (no checkpoints, no results).
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpzFile } from '../../../src/data/npz.ts';
import { Rng } from '../../../src/data/rng.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { cli, runStatuses } from '../../cli/run-cli.ts';
import { exportTorchModels } from './exported-models.ts';

const { ref, skip } = await openReference('onnx bad-input');
await ref.dispose();
let dir = '';
let cleanup = () => {};
beforeAll(async () => {
  if (skip) return;
  ({ dir, cleanup } = await exportTorchModels('export_bad_models.py'));
  const rng = new Rng(2);
  const n = 8;
  const noise = (shape: number[]) => ({ dtype: 'float32' as const, shape, data: Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => rng.uniform()) });
  writeNpzFile(join(dir, 'rows.npz'), { x: noise([n, 4]), y: noise([n, 4]), p: noise([n]) });
  writeNpzFile(join(dir, 'sequences.npz'), { x: noise([n, 6, 3]), y: noise([n, 6, 4]) });
}, 60_000);
afterAll(() => cleanup());

function experiment(model: string, sequences = false): string {
  const keys = sequences
    ? { x: '{ dtype: float32, dims: [batch, time, vector], shape: [n, 6, 3] }', y: '{ dtype: float32, dims: [batch, time, vector], shape: [n, 6, 4] }' }
    : { x: '{ dtype: float32, dims: [batch, vector], shape: [n, 4] }', y: '{ dtype: float32, dims: [batch, vector], shape: [n, 4] }' };
  const file = join(dir, `${model}.yaml`);
  writeFileSync(file, `
experiment: { name: ${model}, seed: 0 }
adapter:
  name: npz
  params:
    path: ${join(dir, sequences ? 'sequences.npz' : 'rows.npz')}
    keys:
      x: ${keys.x}
      y: ${keys.y}${model === 'dropout_ratio' ? `\n      p: { dtype: float32, dims: [batch], shape: [n] }` : ''}
model:
  name: onnx
  params: { path: ${join(dir, `${model}.onnx`)}, outputs: { y: y_hat } }
backend: { name: onnxruntime }
train:
  epochs: 1
  batch_size: 4
  optimizer: { name: adam, lr: 0.01 }
  checkpoint: { every_n_epochs: 1 }
  loss:
    data: { kind: mse, output: y_hat, target: y }
tracker: { name: none }
reporter: { name: json }
`);
  return file;
}

const ROWS: [model: string, what: string, message: RegExp, sequences?: boolean][] = [
  ['datashape', 'a shape computed from tensor values', /node "reshape" \(Reshape\): its Reshape shape input \(input 1, "shape"\) is computed from tensor values by node "to_int" \(Cast\), not only from shapes/],
  ['datafill', 'an output size computed from tensor values', /node "fill" \(ConstantOfShape\): its shape \(input 0, "size"\) is computed from tensor values by node "as_shape" \(Unsqueeze\), not only from shapes/],
  ['missing_ops', 'several ops outside the set', /missing_ops\.onnx uses 3 op types outside tandem's op set: NonZero \(1 node: where_nonzero\); TopK \(1 node: top2\); Hardmax \(2 nodes: hard1, hard2\)\. .* rewrite those layers in supported ops \(Abs, Add, /],
  ['lstm_lens', 'an LSTM with sequence_lens', /node "lstm" \(LSTM\): sequence_lens is given: tandem unrolls the recurrence over the static sequence length/, true],
  ['dropout_ratio', 'a Dropout whose ratio is a graph input', /node "dropout" \(Dropout\): its ratio "p" is a graph input or computed, not a constant/],
  ['dropout_all', 'a training-mode Dropout with ratio 1', /node "dropout" \(Dropout\): its ratio is 1; a training-mode Dropout needs a ratio in \[0, 1\)/],
  ['reduce_axes18', 'an opset-18 ReduceMean whose axes are computed', /node "pool" \(ReduceMean\): its axes input "axes" is not a constant in .*reduce_axes18\.onnx/],
  ['opset19', 'opset 19', /opset19\.onnx imports ONNX opset 19; tandem reads opset 11 to 18: export again with opset_version=17/],
  ['opset10', 'opset 10', /opset10\.onnx imports ONNX opset 10; tandem reads opset 11 to 18: export again with opset_version=17/],
  ['notonnx', 'a file that is not ONNX', /notonnx\.onnx (is not an ONNX model|has no graph)/],
];

describe.skipIf(!!skip)('ONNX files tandem refuses: exit 2, one message naming the node or file, nothing half-written', () => {
  for (const [model, what, message, sequences] of ROWS) {
    it(`${what} (${model}.onnx)`, async () => {
      const outputs = join(dir, `runs-${model}`);
      const r = await cli('run', experiment(model, sequences), '--outputs', outputs);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.match(/^error: /gm)).toHaveLength(1);
      expect(r.stderr).toContain(`${model}.onnx`);
      expect(runStatuses(outputs)).toEqual(['failed']);
      const [day] = readdirSync(outputs);
      const [time] = readdirSync(join(outputs, day));
      expect(readdirSync(join(outputs, day, time)).filter((f) => f !== '.tandem' && f !== 'summary.json')).toEqual([]);
    }, 30_000);
  }
});
