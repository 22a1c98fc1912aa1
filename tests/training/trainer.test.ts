import { describe, expect, it } from 'vitest';
import type { BatchFeed, Session } from '../../src/contracts/backend.ts';
import { drawDropoutMasks } from '../../src/contracts/dropout-masks.ts';
import type { Tensor } from '../../src/graph/tensor.ts';
import { DataContainer } from '../../src/data/container.ts';
import { validate } from '../../src/data/contract.ts';
import { analyticAdapter } from '../../src/plugins/adapters/analytic/analytic-adapter.ts';
import { ortBackend } from '../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { buildTrainingProgram } from '../../src/train/program.ts';
import { createProgress, silentProgress } from '../../src/train/progress.ts';
import { createSchedule } from '../../src/train/schedules/create-schedule.ts';
import { Trainer, type TrainerOptions } from '../../src/train/trainer.ts';
import { smallSpec } from './helpers.ts';

const compile = async (hidden: number[], batchSize: number, lr: number) => {
  const spec = await smallSpec({ hidden, optimizer: (await import('../../src/train/optimizers/create-optimizer.ts')).createOptimizer({ name: 'adam', lr }) });
  return (await ortBackend.create(ortBackend.params.parse({ threads: 1 }))).compile(buildTrainingProgram(spec, batchSize));
};

const options = (over: Partial<TrainerOptions>): TrainerOptions => ({
  epochs: 1,
  batchSize: 64,
  seed: 0,
  schedule: createSchedule({ name: 'constant' }, 3e-3),
  scheduleInterval: 'epoch',
  progress: silentProgress,
  ...over,
});

describe('Trainer on the quickstart problem (sin(πx)·sin(πy), MLP, Adam, ORT)', () => {
  it('brings the validation MSE below 2e-3 in 40 epochs, from above 5e-2', async () => {
    const data = (await analyticAdapter.create(analyticAdapter.params.parse({ n_train: 1024, n_val: 256 }))).container();
    const session = await compile([32, 32], 64, 3e-3);
    const out = await new Trainer(options({ epochs: 40 })).run(session, data);
    expect(out.history).toHaveLength(40);
    expect(out.steps).toBe(40 * 16);
    expect(out.history[0].validation!.loss).toBeGreaterThan(5e-2);
    expect(out.final.validation!.loss).toBeLessThan(2e-3);
    expect(out.stop.kind).toBe('epochs');
    await session.dispose();
  });

  it('stops on a plateau and records why', async () => {
    const data = (await analyticAdapter.create(analyticAdapter.params.parse({ n_train: 256, n_val: 64 }))).container();
    const session = await compile([4], 64, 1e-3);
    // min_delta larger than any per-epoch gain of this tiny model: the plateau triggers after `patience` epochs.
    const out = await new Trainer(options({ epochs: 50, earlyStop: { patience: 3, min_delta: 1 } })).run(session, data);
    expect(out.stop.kind).toBe('plateau');
    expect(out.history).toHaveLength(4);
    expect(out.stop.detail).toContain('validation loss has not improved by more than 1 for 3 epoch(s)');
    await session.dispose();
  });

  it('advances a per-step schedule once per optimizer step', async () => {
    const data = (await analyticAdapter.create(analyticAdapter.params.parse({ n_train: 256, n_val: 0 }))).container();
    const session = await compile([4], 64, 1e-2);
    const schedule = createSchedule({ name: 'exponential', gamma: 0.5 }, 1e-2);
    const out = await new Trainer(options({ epochs: 2, schedule, scheduleInterval: 'step' })).run(session, data);
    expect(out.history.map((r) => r.lr)).toEqual([1e-2, 1e-2 * 0.5 ** 4]);
    expect(out.history[0].validation).toBeUndefined();
    await session.dispose();
  });
});

describe('NaN guard', () => {
  it('a NaN in a batch stops training with the term, the step and the data key', async () => {
    const x = new Float32Array(64 * 2).map((_, i) => Math.sin(i));
    x[2 * 37 + 1] = Number.NaN; // sample 37, coordinate 1
    const raw = { source: 'test arrays', attrs: {}, arrays: new Map([['x', { dtype: 'float32' as const, shape: [64, 2], data: x }], ['u', { dtype: 'float32' as const, shape: [64, 1], data: new Float32Array(64) }]]) };
    const keys = { x: { dtype: 'float32' as const, dims: ['batch', 'vector'], allowNonFinite: true }, u: { dtype: 'float32' as const, dims: ['batch', 'vector'] } };
    const data = DataContainer.create(validate(raw, { keys }), 'batch', { validation: 0, seed: 0, shuffle: false });
    const order = [...data.epoch('train', { batchSize: 16, seed: 0, epoch: 0, dropLast: true })];
    const bad = order.findIndex((b) => b.samples.includes(37));
    const session = await compile([4], 16, 1e-2);
    const run = new Trainer(options({ batchSize: 16 })).run(session, data);
    await expect(run).rejects.toThrow(`training stopped at step ${bad + 1} (epoch 0, batch ${bad}): loss term "data" is NaN. The batch itself holds 1 non-finite value(s): data key "x" is NaN at index [${order[bad].samples.indexOf(37)}, 1]`);
    await session.dispose();
  });
});

describe('progress', () => {
  it('prints plain epoch lines (first, last, and at most one per interval) when not on a terminal', async () => {
    const data = (await analyticAdapter.create(analyticAdapter.params.parse({ n_train: 128, n_val: 32 }))).container();
    const session = await compile([4], 64, 1e-2);
    const lines: string[] = [];
    const progress = createProgress({ isTTY: false, write: (t: string) => lines.push(t) }, {}, 3600);
    await new Trainer(options({ epochs: 5, progress })).run(session, data);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^epoch 1\/5 {2}loss \d\.\d{3}e[-+]\d+ {2}val \d\.\d{3}e[-+]\d+ {2}lr 0\.00300 {2}\d+\.\d\ds {2}ETA \d\d:\d\d\n$/);
    expect(lines[1]).toMatch(/^epoch 5\/5 /);
    expect(lines[2]).toBe('stopped (epochs): trained all 5 epoch(s)\n');
    await session.dispose();
  });

  it('draws a bar on a terminal unless CI is set', () => {
    const writes: string[] = [];
    const sink = { isTTY: true, write: (t: string) => writes.push(t) };
    const bar = createProgress(sink, {});
    bar.start(2, 10);
    bar.step(0, 9, 0.5, 1e-3);
    expect(writes[0]).toMatch(/^\r\x1b\[2Kepoch 1\/2 █{12}░{12} {2}50% {2}loss 5\.000e-1 {2}lr 0\.00100 {2}ETA \d\d:\d\d$/);
    bar.epochEnd({ epoch: 0, steps: 10, train: { loss: 0.5, terms: {} }, validation: { loss: 0.25, terms: {} }, lr: 1e-3, seconds: 1 });
    bar.step(1, 9, 0.2, 1e-3);
    expect(writes[1]).toMatch(/ {2}loss 2\.000e-1 {2}val 2\.500e-1 {2}lr 0\.00100 {2}ETA /);
    const ci: string[] = [];
    createProgress({ isTTY: true, write: (t: string) => ci.push(t) }, { CI: 'true' }).step(0, 9, 0.5, 1e-3);
    expect(ci).toEqual([]); // line mode prints per epoch, never per step
  });
});

describe('Trainer and training-mode Dropout masks', () => {
  it('feeds step k the masks drawn for (seed, k), and validation none (Dropout off)', async () => {
    const data = (await analyticAdapter.create(analyticAdapter.params.parse({ n_train: 128, n_val: 32 }))).container();
    const masks = [{ name: 'drop/mask', shape: [64, 3], ratio: 0.25 }];
    const seen: { step?: number; mask?: Tensor }[] = [];
    const record = (step: number | undefined, batch: BatchFeed) => seen.push({ ...(step ? { step } : {}), ...(batch.has('drop/mask') ? { mask: batch.get('drop/mask')! } : {}) });
    const result = { loss: 1, terms: {} };
    const session = {
      step: async (batch: BatchFeed, _lr: number, step: number) => (record(step, batch), result),
      evaluate: async (batch: BatchFeed) => (record(undefined, batch), result),
    } as unknown as Session;
    await new Trainer(options({ epochs: 2, seed: 7, dropoutMasks: masks })).run(session, data);
    const steps = seen.filter((s) => s.step);
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    for (const s of steps) expect(s.mask!.data).toEqual(drawDropoutMasks(masks, 7, s.step!).get('drop/mask')!.data);
    expect(steps[0].mask!.data).not.toEqual(steps[1].mask!.data);
    const validation = seen.filter((s) => !s.step);
    expect(validation).toHaveLength(2);
    expect(validation.every((s) => !s.mask)).toBe(true);
  });
});
