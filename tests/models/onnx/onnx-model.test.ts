import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mismatch, type Tolerance } from '../../../src/conformance/compare.ts';
import type { Tensor } from '../../../src/graph/tensor.ts';
import type { Session } from '../../../src/contracts/backend.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { tfjsBackend } from '../../../src/plugins/backends/tfjs/tfjs-backend.ts';
import { TorchSession } from '../../../src/plugins/backends/torch/torch-session.ts';
import { builtinPlugins } from '../../../src/plugins/index.ts';
import { onnxModel } from '../../../src/plugins/models/onnx/onnx-model.ts';
import { lossBuilder } from '../../../src/train/losses/loss-builder.ts';
import { createOptimizer } from '../../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../../src/train/program.ts';
import { batches } from '../../backends/torch/program-fixtures.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { expectedOf, exportTorchModels, firstSamples, onnxProgram } from './exported-models.ts';

const { ref, skip } = await openReference('onnx-model');
let dir = '';
let cleanup = () => {};
let dir18 = '';
let cleanup18 = () => {};
beforeAll(async () => {
  if (skip) return;
  ({ dir, cleanup } = await exportTorchModels());
  ({ dir: dir18, cleanup: cleanup18 } = await exportTorchModels('export_opset18_model.py'));
}, 60_000);
afterAll(async () => {
  await ref.dispose();
  cleanup();
  cleanup18();
});

// Three float32 engines (MLAS, XNNPACK, ATen) summing in different orders, compounded over the steps.
const TOL: Tolerance = { rtol: 2e-4, atol: 2e-5 };
const STEPS = 8;

const model = async (file: string, params: Record<string, unknown> = {}) => onnxModel.create(onnxModel.params.parse({ path: join(dir, file), outputs: { y: 'y_hat' }, ...params }));

async function program(file: string, sample: number[], targets: number | number[], params: Record<string, unknown> = {}, batch = 6, dtype: 'float32' | 'float64' = 'float32'): Promise<TrainingProgram> {
  return onnxProgram(join(dir, file), sample, typeof targets === 'number' ? [targets] : targets, { params, batch, dtype });
}

const expected = (name: string) => expectedOf(dir, name);

/** Trains the imported model on ORT, tfjs and the torch reference from the exported weights, step by step. */
async function trainEverywhere(p: TrainingProgram): Promise<Map<string, Map<string, Tensor>>> {
  const sessions: Record<string, Session> = {
    onnxruntime: await (await ortBackend.create(ortBackend.params.parse({ threads: 1 }))).compile(p),
    tfjs: await (await tfjsBackend.create(tfjsBackend.params.parse({ device: 'wasm' }))).compile(p),
    torch: await TorchSession.create(p, ref, false),
  };
  const data = batches(p, 3, 7);
  for (let k = 1; k <= STEPS; k++) {
    const losses: Record<string, number> = {};
    for (const [name, s] of Object.entries(sessions)) losses[name] = (await s.step(data[k % 3], 0.01, k)).loss;
    for (const name of ['onnxruntime', 'tfjs']) expect(Math.abs(losses[name] - losses.torch), `${name} loss before update ${k}`).toBeLessThanOrEqual(TOL.atol + TOL.rtol * Math.abs(losses.torch));
  }
  const states = new Map(Object.entries(sessions).map(([n, s]) => [n, s.getState()]));
  for (const s of Object.values(sessions)) await s.dispose();
  return states;
}

function expectStatesMatchTorch(states: Map<string, Map<string, Tensor>>, p: TrainingProgram): void {
  const torch = states.get('torch')!;
  for (const backend of ['onnxruntime', 'tfjs']) {
    for (const n of p.stateNames) expect(mismatch(states.get(backend)!.get(n)!, torch.get(n)!, TOL), `${backend} state "${n}" after ${STEPS} Adam steps`).toBeUndefined();
  }
  // It really trained: the parameters left the exported values.
  const first = p.params[0].name;
  expect(mismatch(torch.get(first)!, p.initialState().get(first)!, TOL)).toBeDefined();
}

describe.skipIf(!!skip)('model onnx: a torch.onnx.export model trained by tandem on every backend', () => {
  it('is a built-in plugin', () => expect(builtinPlugins).toContain(onnxModel));

  it('MLP (Gemm transB=1, Tanh; opset 13, dynamic batch): exported weights are the initial parameters, and the forward is torch\'s', async () => {
    const { x, y } = expected('mlp');
    const p = await program('mlp.onnx', [2], 1, {}, x.shape[0]);
    expect(p.params.map((v) => v.name)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']);
    expect(p.params[0].shape).toEqual([16, 2]); // torch's [out, in]: Gemm transB reads it as exported
    const ort = await (await ortBackend.create(ortBackend.params.parse({}))).compile(p);
    const out = await ort.forward(new Map([['x', x], ['y', y]]));
    expect(mismatch(out.get('y_hat')!, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
    await ort.dispose();
  });

  it(`MLP: ${STEPS} Adam steps on onnxruntime and tfjs match torch.autograd + torch.optim (losses and parameters, fp32)`, async () => {
    const p = await program('mlp.onnx', [2], 1);
    expectStatesMatchTorch(await trainEverywhere(p), p);
  });

  it('float64: the exported float32 weights widen, and 8 Adam steps on onnxruntime agree with torch to 1e-9', async () => {
    const p = await program('mlp.onnx', [2], 1, {}, 6, 'float64');
    expect(p.initialState().get('0.weight')!.dtype).toBe('float64');
    const [ort, torch] = [await (await ortBackend.create(ortBackend.params.parse({ dtype: 'float64' }))).compile(p), await TorchSession.create(p, ref, false)];
    const data = batches(p, 3, 7);
    for (let k = 1; k <= STEPS; k++) expect((await ort.step(data[k % 3], 0.01, k)).loss).toBeCloseTo((await torch.step(data[k % 3], 0.01, k)).loss, 12);
    const [a, b] = [ort.getState(), torch.getState()];
    for (const n of p.stateNames) expect(mismatch(a.get(n)!, b.get(n)!, { rtol: 1e-9, atol: 1e-11 }), n).toBeUndefined();
    await Promise.all([ort.dispose(), torch.dispose()]);
  });

  it(`CNN (Conv, Relu, MaxPool, Flatten → Reshape, Gemm; opset 17): forward is torch's, and ${STEPS} Adam steps match torch`, async () => {
    const { x, y } = expected('cnn');
    const atExport = await program('cnn.onnx', [1, 8, 8], 3, {}, x.shape[0]);
    const ort = await (await ortBackend.create(ortBackend.params.parse({}))).compile(atExport);
    expect(mismatch((await ort.forward(new Map([['x', x], ['y', y]]))).get('y_hat')!, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
    await ort.dispose();
    const p = await program('cnn.onnx', [1, 8, 8], 3);
    expectStatesMatchTorch(await trainEverywhere(p), p);
  });

  it('freeze keeps matching initializers constant: they are not parameters and the forward still uses the exported values', async () => {
    const p = await program('mlp.onnx', [2], 1, { freeze: ['0.*', '/^2\\.bias$/'] });
    expect(p.params.map((v) => v.name)).toEqual(['2.weight', '4.weight', '4.bias']);
    expect((await model('mlp.onnx', { freeze: ['0.*', '/^2\\.bias$/'] })).effectiveSettings()).toMatchObject({ resolved: { frozen: ['0.weight', '0.bias', '2.bias'] } });
    expectStatesMatchTorch(await trainEverywhere(p), p);
    await expect(model('mlp.onnx', { freeze: ['encoder.*'] })).rejects.toThrow('freeze pattern encoder.* matches no float initializer');
  });

  it(`BatchNorm1d in eval(): the running statistics stay constants (torch's buffers), the forward is torch's, and ${STEPS} Adam steps match torch`, async () => {
    const { x, y } = expected('bnmlp');
    const atExport = await program('bnmlp.onnx', [2], 1, {}, x.shape[0]);
    expect(atExport.params.map((v) => v.name)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias']);
    expect((await model('bnmlp.onnx')).effectiveSettings()).toMatchObject({ resolved: { frozen: ['1.running_mean', '1.running_var'] } });
    const ort = await (await ortBackend.create(ortBackend.params.parse({}))).compile(atExport);
    expect(mismatch((await ort.forward(new Map([['x', x], ['y', y]]))).get('y_hat')!, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
    await ort.dispose();
    const p = await program('bnmlp.onnx', [2], 1);
    expectStatesMatchTorch(await trainEverywhere(p), p);
  });

  it(`torchvision-style layers (InstanceNorm, relu6 → Clip, hardswish, elu, selu, celu, hardsigmoid, PReLU, global pools): forward is torch's, and ${STEPS} Adam steps match torch`, async () => {
    const { x, y } = expected('layers');
    const atExport = await program('layers.onnx', [2, 6, 6], 3, {}, x.shape[0]);
    const ort = await (await ortBackend.create(ortBackend.params.parse({}))).compile(atExport);
    expect(mismatch((await ort.forward(new Map([['x', x], ['y', y]]))).get('y_hat')!, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
    await ort.dispose();
    // InstanceNorm cancels the conv bias exactly: its gradient is float32 noise, which Adam would amplify.
    const p = await program('layers.onnx', [2, 6, 6], 3, { freeze: ['conv.bias'] });
    expectStatesMatchTorch(await trainEverywhere(p), p);
  });

  it('reads an opset 11 export: Squeeze/Unsqueeze/ReduceSum axes move from attribute to input, and the result is torch\'s', async () => {
    const { x, y } = expected('axes11');
    const p = buildTrainingProgram(
      {
        name: 'axes11',
        model: await model('axes11.onnx'),
        seed: 0,
        dtype: 'float32',
        inputs: { x: { dtype: 'float32', shape: [1, 3], perSample: true }, y: { dtype: 'float32', shape: [1], perSample: true } },
        loss: lossBuilder({ data: { kind: 'mse', output: 'y_hat', target: 'y', weight: 1 } }),
        optimizer: createOptimizer({ name: 'sgd', lr: 0.1 }),
      },
      x.shape[0],
    );
    const tfjs = await (await tfjsBackend.create(tfjsBackend.params.parse({}))).compile(p);
    expect(mismatch((await tfjs.forward(new Map([['x', x], ['y', y]]))).get('y_hat')!, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
    await tfjs.dispose();
  });

  it(`reads an opset 11 torch.split: the split attribute becomes Split's sizes input; forward is torch's, and ${STEPS} Adam steps match torch`, async () => {
    const { x, y } = expected('split11');
    const atExport = await program('split11.onnx', [3], 5, {}, x.shape[0]);
    expect(atExport.graphs.forward.nodes.find((n) => n.op === 'Split')?.inputs).toHaveLength(2);
    const ort = await (await ortBackend.create(ortBackend.params.parse({}))).compile(atExport);
    expect(mismatch((await ort.forward(new Map([['x', x], ['y', y]]))).get('y_hat')!, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
    await ort.dispose();
    const p = await program('split11.onnx', [3], 5);
    expectStatesMatchTorch(await trainEverywhere(p), p);
  });

  it(`reads an opset 18 model (GroupNormalization, Mish, ReduceMean axes input, Split num_outputs): forward is torch's on every backend, and ${STEPS} Adam steps match torch`, async () => {
    const { x, y } = expectedOf(dir18, 'opset18');
    const file = join(dir18, 'opset18.onnx');
    const atExport = await onnxProgram(file, [6, 4], [2], { batch: x.shape[0] });
    expect(atExport.graphs.forward.nodes.map((n) => n.op)).toEqual(expect.arrayContaining(['GroupNormalization', 'Mish']));
    const batch = new Map([['x', x], ['y', y]]);
    const sessions = [
      await (await ortBackend.create(ortBackend.params.parse({}))).compile(atExport),
      await (await tfjsBackend.create(tfjsBackend.params.parse({ device: 'wasm' }))).compile(atExport),
      await TorchSession.create(atExport, ref, false),
    ];
    for (const s of sessions) {
      expect(mismatch((await s.forward(batch)).get('y_hat')!, y, { rtol: 1e-5, atol: 1e-5 })).toBeUndefined();
      await s.dispose();
    }
    const p = await onnxProgram(file, [6, 4], [2]);
    expectStatesMatchTorch(await trainEverywhere(p), p);
  });

  it('Linear on a 3-D input (MatMul + Add, weight pre-transposed by the exporter) computes torch\'s forward and trains both initializers', async () => {
    const { x, y } = expected('linear3d');
    const p = await program('linear3d.onnx', [5, 3], [5, 4], {}, x.shape[0]);
    expect(p.params.map((v) => v.shape)).toEqual([[4], [3, 4]]);
    const ort = await (await ortBackend.create(ortBackend.params.parse({}))).compile(p);
    expect(mismatch((await ort.forward(new Map([['x', x], ['y', y]]))).get('y_hat')!, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
    await ort.dispose();
  });

  it(`causal attention in torch.einsum (Einsum, Trilu, Softmax, CumSum; dynamic batch): forward is torch's, and ${STEPS} Adam steps match torch`, async () => {
    const { x, y } = expected('attention');
    const atExport = await program('attention.onnx', [5, 4], [5, 4], {}, x.shape[0]);
    expect([...new Set(atExport.graphs.forward.nodes.map((n) => n.op))]).toEqual(expect.arrayContaining(['Einsum', 'Trilu', 'CumSum']));
    const ort = await (await ortBackend.create(ortBackend.params.parse({}))).compile(atExport);
    expect(mismatch((await ort.forward(new Map([['x', x], ['y', y]]))).get('y_hat')!, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
    await ort.dispose();
    const p = await program('attention.onnx', [5, 4], [5, 4], {}, 4);
    expectStatesMatchTorch(await trainEverywhere(p), p);
  });

  it(`nn.PixelShuffle (DepthToSpace CRD after a Conv): forward is torch's, and ${STEPS} Adam steps match torch`, async () => {
    const { x, y } = expected('pixelshuffle');
    const p = await program('pixelshuffle.onnx', [1, 4, 4], [2, 8, 8], {}, x.shape[0]);
    const ort = await (await ortBackend.create(ortBackend.params.parse({}))).compile(p);
    expect(mismatch((await ort.forward(new Map([['x', x], ['y', y]]))).get('y_hat')!, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
    await ort.dispose();
    expectStatesMatchTorch(await trainEverywhere(p), p);
  });

  it('a static export with the batch baked into a Reshape runs at its own batch size, and at others in padded chunks of it', async () => {
    const { x, y } = expected('viewbatch');
    expect((await model('viewbatch.onnx')).fixedBatchSize).toBe(8);
    for (const batch of [8, 6, 3]) {
      const p = await program('viewbatch.onnx', [3, 4], 2, {}, batch);
      expect(p.graphs.forward.nodes.filter((n) => n.op === 'Gemm')).toHaveLength(1); // one chunk: 8 padded samples
      const ort = await (await ortBackend.create(ortBackend.params.parse({}))).compile(p);
      const out = await ort.forward(new Map([['x', firstSamples(x, batch)], ['y', firstSamples(y, batch)]]));
      expect(mismatch(out.get('y_hat')!, firstSamples(y, batch), { rtol: 1e-5, atol: 1e-6 }), `batch ${batch}`).toBeUndefined();
      await ort.dispose();
    }
    // 12 samples: two chunks of 8 sharing the parameters, the second padded with 4 zero samples.
    const twelve = await program('viewbatch.onnx', [3, 4], 2, {}, 12);
    expect(twelve.graphs.forward.nodes.filter((n) => n.op === 'Gemm')).toHaveLength(2);
    expect(twelve.params.map((v) => v.name)).toEqual(['fc.weight', 'fc.bias']);
  });

  it('refuses Softmax from an opset below 13, where it meant something else, saying to re-export', async () => {
    await expect(program('softmax11.onnx', [3], 3)).rejects.toThrow('imports opset 11, where Softmax flattens its input to 2-D; export again with opset_version ≥ 13');
  });

  it('refuses ops outside the set, listing every one of them with its nodes', async () => {
    const p = program('unsupported.onnx', [3], 3);
    await expect(p).rejects.toThrow(/uses 2 op types outside tandem's op set: Atan \(1 node: .*\); LogSoftmax \(1 node: .*\)/);
  });

  it('says which data key a graph input needs when the data lacks it', async () => {
    await expect(program('mlp.onnx', [2], 1, { inputs: { x: 'points' } })).rejects.toThrow('graph input "x" of');
    await expect(model('mlp.onnx', { inputs: { z: 'x' } })).rejects.toThrow('model.params.inputs names "z", but');
  });
});
