// spec: specs/checkpoints.md §2 (buffers.npz), §3 (resume), §5 (infer uses the running statistics)
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpzFile, writeNpzFile } from '../../src/data/npz.ts';
import type { Tensor } from '../../src/graph/tensor.ts';
import { loadCheckpoint } from '../../src/train/checkpoint/read-checkpoint.ts';
import { readStepLog } from '../../src/train/step-log.ts';
import { openReference } from '../backends/torch/torch-available.ts';
import { cli } from '../cli/run-cli.ts';
import { writeBatchNormExperiment } from '../parity/batchnorm-fixture.ts';

const { ref, skip } = await openReference('tests/checkpoint/buffers.test.ts');
await ref.dispose();

let experiment: Awaited<ReturnType<typeof writeBatchNormExperiment>> | undefined;
beforeAll(async () => {
  if (!skip) experiment = await writeBatchNormExperiment();
}, 60_000);
afterAll(() => experiment?.cleanup());

const runDirs = (root: string) => readdirSync(root).flatMap((day) => readdirSync(join(root, day)).map((t) => join(root, day, t))).sort();
const values = (t: Tensor) => Array.from(t.data as Float32Array);

describe.skipIf(skip)('checkpoints of a model with buffers (training-mode BatchNorm)', () => {
  it('save the running statistics in buffers.npz, resume reproduces the uninterrupted run, and infer uses them', async () => {
    const config = experiment!.config;
    const args = ['train.epochs=3', '+train.checkpoint={save_top_k:-1}'];
    const root = mkdtempSync(join(tmpdir(), 'tandem-bn-ckpt-'));
    const clean = await cli('run', config, '--outputs', root, ...args);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('2 buffers (6 values, updated by each step, not trained)');
    const [cleanDir] = runDirs(root);

    const first = loadCheckpoint(join(cleanDir, 'checkpoints', 'epoch=0-step=3'));
    expect(first.manifest.state.buffers).toEqual(['bn.running_mean', 'bn.running_var']);
    expect(Object.keys(first.manifest.files)).toContain('buffers.npz');
    const last = loadCheckpoint(join(cleanDir, 'checkpoints', 'last'));
    // The statistics moved between the two checkpoints: they are state the steps update.
    expect(values(last.state.get('bn.running_var')!)).not.toEqual(values(first.state.get('bn.running_var')!));

    const resumed = await cli('run', config, '--outputs', root, ...args, `resume=${join(cleanDir, 'checkpoints', 'epoch=0-step=3')}`);
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedDir = runDirs(root)[1];
    const steps = (dir: string) => readStepLog(readFileSync(join(dir, 'steps.tsv'), 'utf8'));
    // Exact: the resumed run restored the buffers too (wrong statistics would change every later loss).
    expect(steps(resumedDir)).toEqual(steps(cleanDir).slice(3));
    expect(values(loadCheckpoint(join(resumedDir, 'checkpoints', 'last')).state.get('bn.running_mean')!)).toEqual(values(last.state.get('bn.running_mean')!));

    // infer runs the model in inference mode with the checkpoint's running statistics, the same on ORT and torch.
    const input = join(root, 'in.npz');
    const x = readNpzFile(join(config, '..', 'batchnorm.npz')).arrays.get('x')!;
    writeNpzFile(input, { x: { ...x, shape: [5, 2, 6, 6], data: (x.data as Float32Array).slice(0, 5 * 72) } });
    const predict = async (backend: string, checkpoint: string) => {
      const out = join(root, `out-${backend}-${checkpoint.split('/').at(-1)}.npz`);
      const r = await cli('infer', '--checkpoint', checkpoint, '--input', input, '--output', out, '--backend', backend);
      expect(r.code, r.stderr).toBe(0);
      return values(readNpzFile(out).arrays.get('y_hat')! as Tensor);
    };
    const lastDir = join(cleanDir, 'checkpoints', 'last');
    const [ort, torch] = [await predict('onnxruntime', lastDir), await predict('torch', lastDir)];
    ort.forEach((v, i) => expect(v).toBeCloseTo(torch[i], 5));
    // The same parameters with the first checkpoint's statistics predict something else.
    const mixed = join(root, 'mixed');
    cpSync(lastDir, mixed, { recursive: true, dereference: true });
    cpSync(join(cleanDir, 'checkpoints', 'epoch=0-step=3', 'buffers.npz'), join(mixed, 'buffers.npz'));
    const manifest = JSON.parse(readFileSync(join(mixed, 'manifest.json'), 'utf8'));
    manifest.files['buffers.npz'] = first.manifest.files['buffers.npz'];
    writeFileSync(join(mixed, 'manifest.json'), JSON.stringify(manifest));
    expect(await predict('onnxruntime', mixed)).not.toEqual(ort);
  }, 120_000);

  it('a fixed-batch export with training-mode BatchNorm trains only at its batch: another train.batch_size is refused, exit 2', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-bn-fixed-'));
    const fixed = `model.params.path=${join(experiment!.models, 'convbn_fixed.onnx')}`;
    const refused = await cli('run', experiment!.config, '--outputs', root, fixed);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the model computes batches of 4 only and normalizes with batch statistics (BatchNormalization in training mode), so training in batches of 8 would not be torch\'s BatchNorm; set train.batch_size=4');
    const ok = await cli('run', experiment!.config, '--outputs', root, fixed, 'train.batch_size=4');
    expect(ok.code, ok.stderr).toBe(0);
  }, 60_000);

  it('BatchNorm1d: training at one value per channel is refused (exit 2); infer of a single sample works in inference mode', async () => {
    const dir = join(experiment!.config, '..');
    const n = 16;
    const x = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i));
    writeNpzFile(join(dir, 'linear.npz'), {
      x: { dtype: 'float32', shape: [n, 4], data: x, dims: ['batch', 'vector'] },
      y: { dtype: 'float32', shape: [n, 2], data: x.filter((_, i) => i % 2 === 0), dims: ['batch', 'vector'] },
    });
    const config = join(dir, 'linear.yaml');
    writeFileSync(config, readFileSync(experiment!.config, 'utf8').replace('batchnorm.npz', 'linear.npz').replace('convbn.onnx', 'linearbn.onnx')
      .replace('[n, 2, 6, 6]', '[n, 4]').replace('[batch, channel, y, x]', '[batch, vector]').replace('[n, 3]', '[n, 2]'));
    const root = mkdtempSync(join(tmpdir(), 'tandem-bn1d-'));
    const refused = await cli('run', config, '--outputs', root, 'train.batch_size=1');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('(BatchNormalization in training mode) sees one value per channel in batches of 1, and a batch variance needs two (torch refuses this too); raise train.batch_size');
    const trained = await cli('run', config, '--outputs', root, '+train.checkpoint={}');
    expect(trained.code, trained.stderr).toBe(0);
    const input = join(dir, 'one.npz');
    writeNpzFile(input, { x: { dtype: 'float32', shape: [1, 4], data: x.slice(0, 4) } });
    const r = await cli('infer', '--checkpoint', join(runDirs(root).at(-1)!, 'checkpoints', 'last'), '--input', input, '--output', join(dir, 'one.out.npz'));
    expect(r.code, r.stderr).toBe(0);
    expect(readNpzFile(join(dir, 'one.out.npz')).arrays.get('y_hat')!.shape).toEqual([1, 2]);
  }, 60_000);

  it('train.lbfgs on a model with buffers is refused before any step, exit 2', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tandem-bn-lbfgs-'));
    const r = await cli('run', experiment!.config, '--outputs', root, '+train.lbfgs={steps:5}', 'train.batch_size=32');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('train.lbfgs cannot refine a model with buffers (bn.running_mean, bn.running_var');
    expect(readdirSync(join(runDirs(root)[0]))).not.toContain('steps.tsv');
  }, 60_000);
});
