// spec: specs/checkpoints.md §5 (tandem infer)
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpzFile, writeNpzFile } from '../../src/data/npz.ts';
import { cli } from '../cli/run-cli.ts';
import { trainWithCheckpoints } from '../checkpoint/helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'tandem-infer-'));
let checkpoint = '';
let checkpointFiles: string[] = [];
const n = 12;
const x = Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(1.7 * i));

beforeAll(async () => {
  const { runDir } = await trainWithCheckpoints({}, { epochs: 2 });
  // Copied out of its run directory: infer needs the checkpoint alone, no YAML and no data file.
  checkpoint = join(work, 'alone');
  cpSync(join(runDir, 'checkpoints', 'epoch=1-step=8'), checkpoint, { recursive: true });
  checkpointFiles = readdirSync(checkpoint).sort();
  writeNpzFile(join(work, 'in.npz'), { x: { dtype: 'float32', shape: [n, 2], data: x, dims: ['batch', 'vector'] } });
});

/** The MLP 2 → 8 (tanh) → 1 evaluated in float64 from params.npz: an independent check of what infer runs. */
function reference(): number[] {
  const p = readNpzFile(join(checkpoint, 'params.npz')).arrays;
  const [w0, b0, w1, b1] = ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias'].map((k) => p.get(k)!.data as Float32Array);
  return Array.from({ length: n }, (_, s) => {
    let out = b1[0];
    for (let j = 0; j < 8; j++) out += Math.tanh(x[2 * s] * w0[j] + x[2 * s + 1] * w0[8 + j] + b0[j]) * w1[j];
    return out;
  });
}

describe('tandem infer', () => {
  it('rebuilds the model from the manifest alone and gives the same predictions on onnxruntime and tfjs', async () => {
    const outputs: Float32Array[] = [];
    for (const backend of ['onnxruntime', 'tfjs']) {
      const out = join(work, `pred-${backend}.npz`);
      const r = await cli('infer', '--checkpoint', checkpoint, '--input', join(work, 'in.npz'), '--output', out, '--backend', backend);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`ran ${n} sample(s) on ${backend}`);
      const pred = readNpzFile(out);
      const u = pred.arrays.get('u_hat')!;
      expect(u).toMatchObject({ dtype: 'float32', shape: [n, 1], dims: ['batch', 'vector'] });
      expect(pred.attrs).toMatchObject({ checkpoint, step: 8, backend, configHash: 'a'.repeat(64) });
      outputs.push(u.data as Float32Array);
    }
    const ref = reference();
    outputs.forEach((o) => o.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-6)));
    outputs[0].forEach((v, i) => expect(Math.abs(v - outputs[1][i])).toBeLessThan(1e-6));
  });

  it('refuses bad input with exit code 2 and a message naming what to fix', async () => {
    writeNpzFile(join(work, 'other-key.npz'), { z: { dtype: 'float32', shape: [n, 2], data: x } });
    writeNpzFile(join(work, 'wide.npz'), { x: { dtype: 'float32', shape: [4, 3], data: new Float32Array(12) } });
    writeNpzFile(join(work, 'nan.npz'), { x: { dtype: 'float32', shape: [n, 2], data: x.map((v, i) => (i === 7 ? NaN : v)), dims: ['batch', 'vector'] } });
    writeNpzFile(join(work, 'ints.npz'), { x: { dtype: 'int32', shape: [n, 2], data: new Int32Array(2 * n) } });
    const infer = (...args: string[]) => cli('infer', '--checkpoint', checkpoint, ...args);
    const rows: [Promise<{ code: number; stderr: string }>, RegExp][] = [
      [cli('infer', '--checkpoint', join(work, 'missing'), '--input', join(work, 'in.npz')), /checkpoint .*missing does not exist/],
      [infer('--input', join(work, 'other-key.npz')), /other-key\.npz: the model reads "x", which the file lacks \(it holds "z"\); the model's inputs are "x" float32\[batch, 2\]/],
      [infer('--input', join(work, 'wide.npz')), /wide\.npz: "x" has shape \[4, 3\], the model was trained on float32\[batch, 2\] \(dims batch, vector\); reshape it/],
      [infer('--input', join(work, 'absent.npz')), /data file ".*absent\.npz" cannot be read \(no such file/],
      [infer('--input', join(work, 'in.npz'), '--backend', 'jax'), /--backend jax is not a backend; the backends are: .*onnxruntime/],
      [infer('--input', join(work, 'in.npz'), '--feed', 'u_hat:x'), /--feed only applies with --rollout N/],
      [infer('--input', join(work, 'in.npz'), '--rollout', '2', '--feed', 'y:x'), /--feed names output "y"; the model's outputs are u_hat/],
      [infer('--input', join(work, 'in.npz'), '--rollout', '0'), /--rollout takes a positive whole number of steps, got "0"/],
      [infer('--input', join(work, 'in.npz'), '--output', join(work, 'in.npz')), /--output .*in\.npz is the input file .*in\.npz; writing there would replace the inputs with the predictions\. Choose another --output path/],
      [infer('--input', join(work, 'in.npz'), '--output', `${work}/./sub/../in.npz`), /is the input file/],
      [infer('--input', join(work, 'in.npz'), '--output', join(checkpoint, 'params.npz')), /--output .*params\.npz is inside the checkpoint .*alone; writing there would change the checkpoint/],
      [infer('--input', join(work, 'in.npz'), '--output', work), /--output .* is a directory; give a file path ending in \.npz/],
      [infer('--input', join(work, 'nan.npz')), /nan\.npz: key "x" holds 1 non-finite value, the first \(NaN\) at \[batch=3, vector=1\]\. A prediction from it would be non-finite too: clean the input/],
      [infer('--input', join(work, 'ints.npz')), /ints\.npz: "x" is int32, the model takes float32; convert the array to float32/],
      [infer('--input', join(work, 'in.npz'), '--rollout', '2'), /--rollout cannot feed output "u_hat" \(per sample \[1\]\) back into input "x" \(per sample \[2\]\): a rollout needs an output shaped like the input it replaces/],
    ];
    for (const [run, message] of rows) {
      const r = await run;
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
    }
    // Nothing was written by a refused call: the input is intact, no predictions file next to a bad input.
    expect(readNpzFile(join(work, 'in.npz')).arrays.get('x')!.data).toStrictEqual(x);
    expect(readdirSync(work).filter((f) => f.endsWith('.predictions.npz'))).toStrictEqual([]);
    expect(readdirSync(checkpoint).sort()).toStrictEqual(checkpointFiles);
  });

  it('converts float64 input to the float32 model, and says so', async () => {
    writeNpzFile(join(work, 'wide-float.npz'), { x: { dtype: 'float64', shape: [n, 2], data: Float64Array.from(x), dims: ['batch', 'vector'] } });
    const out = join(work, 'pred-from-float64.npz');
    const r = await cli('infer', '--checkpoint', checkpoint, '--input', join(work, 'wide-float.npz'), '--output', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: .*wide-float\.npz: "x" is float64, the model takes float32: converted to float32 \(rounded to float32 precision\)\n$/);
    expect(readNpzFile(out).arrays.get('u_hat')!.dtype).toBe('float32');
  });
});

describe('tandem infer --rollout', () => {
  it('feeds the output back N times and stacks the steps along time; each step equals one plain inference of the previous', async () => {
    // A map z → R z (a rotation) on 2-vectors: the model's output has its input's shape, so it can step itself.
    const count = 64;
    const z = Float32Array.from({ length: 2 * count }, (_, i) => Math.cos(0.37 * i));
    const next = new Float32Array(2 * count);
    for (let s = 0; s < count; s++) [next[2 * s], next[2 * s + 1]] = [0.8 * z[2 * s] - 0.6 * z[2 * s + 1], 0.6 * z[2 * s] + 0.8 * z[2 * s + 1]];
    writeNpzFile(join(work, 'rotation.npz'), { x: { dtype: 'float32', shape: [count, 2], data: z }, y: { dtype: 'float32', shape: [count, 2], data: next } });
    writeFileSync(
      join(work, 'rotation.yaml'),
      [
        'experiment: { name: rotation, seed: 0 }',
        `adapter: { name: npz, params: { path: ${join(work, 'rotation.npz')}, keys: { x: { dtype: float32, dims: [batch, vector], shape: [n, 2] }, y: { dtype: float32, dims: [batch, vector], shape: [n, 2] } } } }`,
        'model: { name: mlp, params: { in_features: 2, hidden: [8], out_features: 2, output: y_hat } }',
        'backend: { name: onnxruntime, params: { threads: 1 } }',
        'train: { epochs: 2, batch_size: 16, optimizer: { name: adam, lr: 1.0e-2 }, loss: { data: { kind: mse, output: y_hat, target: y } }, checkpoint: {} }',
      ].join('\n'),
    );
    const outputs = join(work, 'rotation-runs');
    expect((await cli('run', join(work, 'rotation.yaml'), '--outputs', outputs)).code).toBe(0);
    const input = join(work, 'start.npz');
    writeNpzFile(input, { x: { dtype: 'float32', shape: [3, 2], data: z.slice(0, 6) } });
    const r = await cli('infer', '--checkpoint', 'last', '--outputs', outputs, '--input', input, '--rollout', '3', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ step: 6, batch: 3, inputs: ['x'], outputs: { y_hat: { shape: [3, 3, 2], dims: ['batch', 'time', 'vector'] } } });
    const rolled = readNpzFile(join(work, 'start.predictions.npz')).arrays.get('y_hat')!;
    const at = (t: number) => Float32Array.from({ length: 6 }, (_, i) => (rolled.data as Float32Array)[Math.floor(i / 2) * 6 + t * 2 + (i % 2)]);
    // Step t+1 is one plain inference on step t's output.
    let current: Float32Array = z.slice(0, 6);
    const runDir = join(outputs, readdirSync(outputs)[0], readdirSync(join(outputs, readdirSync(outputs)[0]))[0]);
    for (let t = 0; t < 3; t++) {
      writeNpzFile(join(work, 'step.npz'), { x: { dtype: 'float32', shape: [3, 2], data: current } });
      expect((await cli('infer', '--checkpoint', runDir, '--input', join(work, 'step.npz'))).code).toBe(0);
      current = readNpzFile(join(work, 'step.predictions.npz')).arrays.get('y_hat')!.data as Float32Array;
      expect(at(t)).toEqual(current);
    }
  });
});
