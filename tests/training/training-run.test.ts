import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromOnnx } from '../../src/graph/onnx/from-onnx.ts';
import { analyticAdapter, generateAnalytic } from '../../src/plugins/adapters/analytic/analytic-adapter.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { mlpModel } from '../../src/plugins/models/mlp/mlp.ts';
import { EarlyStopping } from '../../src/train/early-stop.ts';
import { silentProgress } from '../../src/train/progress.ts';
import { TrainingRun, type TrainSettings } from '../../src/train/training-run.ts';
import { trainingStages } from '../../src/train/training-stages.ts';

async function run(train: Partial<TrainSettings>, runDir = mkdtempSync(join(tmpdir(), 'tandem-train-'))) {
  return {
    runDir,
    run: new TrainingRun({
      adapter: await analyticAdapter.create(analyticAdapter.params.parse({ n_train: 200, n_val: 50 })),
      model: await mlpModel.create(mlpModel.params.parse({ in_features: 2, hidden: [8], out_features: 1, output: 'u_hat' })),
      backend: await ortBackend.create(ortBackend.params.parse({ threads: 1 })),
      runDir,
      experiment: 'unit',
      seed: 0,
      progress: silentProgress,
      train: { epochs: 3, batch_size: 64, optimizer: { name: 'adam', lr: 1e-2 }, loss: { data: { kind: 'mse', output: 'u_hat', target: 'u', weight: 1 } }, ...train },
    }),
  };
}

describe('TrainingRun (the data → model → train → evaluate stages)', () => {
  it('writes the four graphs and results.json with history, final metrics, stop reason and backend', async () => {
    const { run: r, runDir } = await run({ schedule: { name: 'step', step_size: 1, gamma: 0.5 } });
    const stages = trainingStages(r);
    expect(stages.map((s) => s.name)).toEqual(['data', 'model', 'train', 'evaluate']);
    const details = [];
    for (const s of stages) details.push((await s.execute()).detail);
    expect(details[0]).toBe('250 samples (train 200, validation 50) from analytic generator "sin2d" (seed 0); per sample: x float32[2], u float32[1]');
    for (const role of ['forward', 'loss', 'gradients', 'step']) expect(fromOnnx(readFileSync(join(runDir, 'graphs', `${role}.onnx`))).name).toBe(`unit.${role}`);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
    expect(results.history.map((h: { lr: number }) => h.lr)).toEqual([1e-2, 5e-3, 2.5e-3]);
    expect(results.history.map((h: { steps: number }) => h.steps)).toEqual([3, 6, 9]); // 200 // 64 = 3 batches, 8 samples dropped
    expect(results.data).toEqual({ source: 'analytic generator "sin2d" (seed 0)', trainSamples: 200, validationSamples: 50, batchSize: 64, droppedPerEpoch: 8 });
    expect(results.stop.kind).toBe('epochs');
    expect(results.checkpoint).toBeNull();
    expect(results.backend.name).toBe('onnxruntime');
    expect(results.backend.settings.threads).toBe(1);
    expect(Object.keys(results.final)).toEqual(['train', 'validation']);
    expect(details[3]).toContain('split       loss       loss:data');
  });

  it('says which stage is missing when called out of order, and that train.loss is required', async () => {
    await expect((await run({})).run.train()).rejects.toThrow('the data stage has not run yet; stages run in the order data, model, train, evaluate');
    const { run: r } = await run({ loss: undefined });
    await r.loadData();
    await expect(r.buildModel()).rejects.toThrow('train.loss is missing');
  });
});

describe('analytic adapter', () => {
  it('is a pure function of its params, and noise changes only the targets', () => {
    const p = analyticAdapter.params.parse({ function: 'sin1d', n_train: 5, n_val: 2 });
    const a = generateAnalytic(p), b = generateAnalytic(p), noisy = generateAnalytic({ ...p, noise: 0.1 });
    expect(a.arrays.get('u')!.data).toEqual(b.arrays.get('u')!.data);
    expect(noisy.arrays.get('x')!.data).toEqual(a.arrays.get('x')!.data);
    expect(noisy.arrays.get('u')!.data).not.toEqual(a.arrays.get('u')!.data);
    const x = a.arrays.get('x')!.data as Float32Array, u = a.arrays.get('u')!.data as Float32Array;
    x.forEach((v, i) => expect(u[i]).toBeCloseTo(Math.sin(Math.PI * v), 6));
  });
});

describe('early stopping', () => {
  const rec = (epoch: number, loss: number) => ({ epoch, steps: epoch + 1, train: { loss: 1, terms: {} }, validation: { loss, terms: {} }, lr: 1, seconds: 0 });
  it('reports convergence when the monitored loss reaches the target', () => {
    const s = new EarlyStopping({ patience: 5, min_delta: 0, target: 1e-3 });
    expect(s.update(rec(0, 0.1))).toBeUndefined();
    expect(s.update(rec(1, 5e-4))).toEqual({ kind: 'converged', detail: 'validation loss 5.000e-4 reached target 0.001 at epoch 1' });
  });
  it('counts a plateau from the best epoch', () => {
    const s = new EarlyStopping({ patience: 2, min_delta: 0.01 });
    expect([0.5, 0.3, 0.295, 0.31].map((l, e) => s.update(rec(e, l))?.kind)).toEqual([undefined, undefined, undefined, 'plateau']);
  });
  it('never stops without options', () => {
    expect(new EarlyStopping(undefined).update(rec(0, Number.NaN))).toBeUndefined();
  });
});

