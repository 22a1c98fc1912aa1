import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpzFile } from '../../../src/data/npz.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { TorchSession } from '../../../src/plugins/backends/torch/torch-session.ts';
import { onnxModel } from '../../../src/plugins/models/onnx/onnx-model.ts';
import type { TrainingProgram } from '../../../src/train/program.ts';
import { compileOn, GRAPH_BACKENDS } from '../../backends/cross/backend-sessions.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { exportTorchModels, onnxProgram } from './exported-models.ts';

const { ref, skip } = await openReference('batchnorm buffers');

let dir = '';
let cleanup = () => {};
let program: TrainingProgram;
let expected: Map<string, Tensor>;
beforeAll(async () => {
  if (skip) return;
  ({ dir, cleanup } = await exportTorchModels('export_batchnorm_models.py'));
  expected = new Map([...readNpzFile(join(dir, 'expected.npz')).arrays].map(([k, a]) => [k, tensor('float32', a.shape, a.data as Float32Array)]));
  program = await onnxProgram(join(dir, 'convbn.onnx'), [2, 6, 6], [3], { batch: 4 });
}, 60_000);
afterAll(async () => {
  cleanup();
  await ref.dispose();
});

const batch = () => new Map([['x', expected.get('convbn.x')!], ['y', tensor('float32', [4, 3])]]);
const maxDiff = (a: Tensor, b: Tensor) => Math.max(...Array.from(a.data as Float32Array, (v, i) => Math.abs(v - Number(b.data[i]))));

describe.skipIf(skip)('BatchNorm in training mode: running statistics are buffers', () => {
  it('imports the running statistics as buffers, neither trained nor constant, and the read-back lists them', async () => {
    expect(program.buffers.map((b) => b.name)).toEqual(['bn.running_mean', 'bn.running_var']);
    expect(program.params.map((p) => p.name)).not.toContain('bn.running_mean');
    expect(program.stateNames.slice(-2)).toEqual(['bn.running_mean', 'bn.running_var']);
    const model = await onnxModel.create(onnxModel.params.parse({ path: join(dir, 'convbn.onnx') }));
    const resolved = model.effectiveSettings().resolved as { buffers: string[]; trainable: string[]; frozen: string[] };
    expect(resolved.buffers).toEqual(['bn.running_mean', 'bn.running_var']);
    expect(resolved.frozen).toEqual([]);
    expect(resolved.trainable).toEqual(['conv.weight', 'bn.weight', 'bn.bias', 'fc.weight', 'fc.bias']);
  });

  for (const backend of [...GRAPH_BACKENDS, 'torch'] as const) {
    it(`${backend}: a step moves the buffers exactly as torch's BatchNorm2d(momentum=0.2) does (unbiased running variance), and forward then uses them`, async () => {
      const session = backend === 'torch' ? await TorchSession.create(program, ref, false) : await compileOn(backend, program);
      try {
        await session.step(batch(), 0.01, 1);
        const state = session.getState();
        expect(maxDiff(state.get('bn.running_mean')!, expected.get('convbn.running_mean')!)).toBeLessThan(1e-5);
        expect(maxDiff(state.get('bn.running_var')!, expected.get('convbn.running_var')!)).toBeLessThan(1e-5);
        // Inference mode with the torch module's statistics and the initial weights: torch's model.eval() output.
        session.setState(new Map([...program.initialState(), ['bn.running_mean', expected.get('convbn.running_mean')!], ['bn.running_var', expected.get('convbn.running_var')!]]));
        const y = (await session.forward(batch())).get('y_hat')!;
        expect(maxDiff(y, expected.get('convbn.y_eval')!)).toBeLessThan(1e-5);
      } finally {
        await session.dispose();
      }
    });
  }

  it('torchvision resnet18 exported in training mode imports its 20 BatchNorms\' running statistics as 40 buffers', async () => {
    const resnet = await exportTorchModels('export_batchnorm_models.py', ['resnet18']);
    try {
      const path = join(resnet.dir, 'resnet18.onnx');
      const resolved = (await onnxModel.create(onnxModel.params.parse({ path }))).effectiveSettings().resolved as { buffers: string[]; trainable: string[]; frozen: string[] };
      expect(resolved.buffers).toHaveLength(40);
      expect(resolved.buffers.slice(0, 2)).toEqual(['bn1.running_mean', 'bn1.running_var']);
      expect(resolved.frozen).toEqual([]);
      expect(resolved.trainable).toHaveLength(62);
      const p = await onnxProgram(path, [3, 32, 32], [10], { batch: 4 });
      expect(p.buffers).toHaveLength(40);
      expect(p.graphs.step.outputs.filter((o) => o.name.endsWith('running_var/next'))).toHaveLength(20);
      expect(p.graphs.forward.nodes.filter((n) => n.op === 'BatchNormalization' && n.attrs.training_mode === 1)).toEqual([]);
    } finally {
      resnet.cleanup();
    }
  }, 120_000);

  it('the training-mode forward (what the gradients differentiate) is torch\'s train-mode output', async () => {
    const executor = await (await ortBackend.create(ortBackend.params.parse({ threads: 1 }))).executor();
    const feeds = new Map([...program.initialState(), ...batch()]);
    // The model output as the loss reads it (y_hat itself is an Identity only the forward graph keeps).
    const y = program.graphs.forward.nodes.find((n) => n.outputs[0] === 'y_hat')!.inputs[0];
    const out = await executor.run(program.graphs.loss, feeds, { fetch: [y, 'bn.running_var/next'] });
    expect(maxDiff(out.get(y)!, expected.get('convbn.y')!)).toBeLessThan(1e-5);
    expect(maxDiff(out.get('bn.running_var/next')!, expected.get('convbn.running_var')!)).toBeLessThan(1e-5);
  });
});
