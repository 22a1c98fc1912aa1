import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mismatch } from '../../../src/conformance/compare.ts';
import { readNpzFile } from '../../../src/data/npz.ts';
import { tensor, toNumbers, type Tensor } from '../../../src/graph/tensor.ts';
import { onnx } from '../../../src/graph/onnx/generated/onnx.js';
import { fromTensorProto, toTensorProto } from '../../../src/graph/onnx/tensor-proto.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { onnxModel } from '../../../src/plugins/models/onnx/onnx-model.ts';
import { findTies, splitTies } from '../../../src/plugins/models/onnx/tied-initializers.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { exportTorchModels, onnxProgram } from './exported-models.ts';

const { ref, skip } = await openReference('tied-initializers');
await ref.dispose();
let dir = '';
let cleanup = () => {};
beforeAll(async () => {
  if (!skip) ({ dir, cleanup } = await exportTorchModels('export_tied_models.py'));
}, 60_000);
afterAll(() => cleanup());

const TOL = { rtol: 1e-4, atol: 1e-6 };

function saved(): Map<string, Tensor> {
  const npz = readNpzFile(join(dir, 'expected.npz')).arrays;
  return new Map([...npz].map(([k, a]) => [k, tensor('float32', a.shape, a.data as Float32Array)]));
}

/** tandem's gradients for the exported layer on the saved batch, by parameter name. */
async function gradients(tie: 'split' | 'keep'): Promise<ReadonlyMap<string, Tensor>> {
  const p = await onnxProgram(join(dir, 'encoder.onnx'), [5, 8], [5, 8], { batch: 3, params: { tie } });
  const ort = await (await ortBackend.create(ortBackend.params.parse({ threads: 1 }))).compile(p);
  const npz = saved();
  const { grads } = await ort.gradients(new Map([['x', npz.get('x')!], ['y', npz.get('t')!]]));
  await ort.dispose();
  return grads;
}

function sum(a: Tensor, b: Tensor): Tensor {
  return tensor(a.dtype, a.shape, Array.from(a.data as Float32Array, (v, i) => v + (b.data as Float32Array)[i]));
}

describe.skipIf(!!skip)('initializers the exporter tied between modules (nn.TransformerEncoderLayer in eval mode)', () => {
  it('are reported at import, and the read-back lists every trainable initializer, copies included', async () => {
    const m = await onnxModel.create(onnxModel.params.parse({ path: join(dir, 'encoder.onnx'), freeze: ['linear1.bias'] }));
    const { resolved } = m.effectiveSettings() as { resolved: { trainable: string[]; frozen: string[]; tied: Record<string, string[]> } };
    expect(resolved.tied).toEqual({ 'self_attn.out_proj.bias': ['norm2.bias', 'norm1.bias'], 'norm1.weight': ['norm2.weight'] });
    expect(resolved.trainable).toEqual(expect.arrayContaining(['norm1.weight', 'norm2.weight', 'norm1.bias', 'norm2.bias', 'self_attn.out_proj.bias']));
    expect(resolved.frozen).toEqual(['linear1.bias']);
  });

  it('by default each module trains its own copy: every LayerNorm gradient is what torch.autograd gives the module', async () => {
    const grads = await gradients('split');
    const npz = saved();
    for (const name of ['norm1.weight', 'norm2.weight', 'norm1.bias', 'norm2.bias']) {
      expect(mismatch(grads.get(name)!, npz.get(`grad.${name}`)!, TOL), name).toBeUndefined();
    }
  });

  it('tie: keep trains the shared initializer as one parameter, whose gradient is the sum over its uses', async () => {
    const grads = await gradients('keep');
    const npz = saved();
    expect(grads.has('norm2.weight')).toBe(false);
    expect(mismatch(grads.get('norm1.weight')!, sum(npz.get('grad.norm1.weight')!, npz.get('grad.norm2.weight')!), TOL)).toBeUndefined();
  });
});

describe('a weight consumed directly by nodes of two module scopes', () => {
  const graph = () =>
    onnx.GraphProto.create({
      node: [
        { name: '/encoder/MatMul', opType: 'MatMul', input: ['x', 'w'], output: ['h'] },
        { name: '/encoder/Add', opType: 'Add', input: ['h', 'w_row'], output: ['h2'] },
        { name: '/decoder/MatMul', opType: 'MatMul', input: ['h2', 'w'], output: ['y'] },
      ],
      initializer: [toTensorProto(tensor('float32', [2, 2], [1, 2, 3, 4]), 'w'), toTensorProto(tensor('float32', [2], [0, 0]), 'w_row')],
    });

  it('is a tie; split, the second scope reads its own copy named <name>@<scope>', () => {
    const g = graph();
    const ties = findTies(g, ['w', 'w_row']);
    expect(ties).toEqual([{ initializer: 'w', copies: ['w@/decoder'] }]);
    splitTies(g, ties);
    expect(g.initializer.map((t) => t.name)).toEqual(['w', 'w_row', 'w@/decoder']);
    expect(g.node.map((n) => n.input![1])).toEqual(['w', 'w_row', 'w@/decoder']);
    expect(toNumbers(fromTensorProto(g.initializer[2], 'copy'))).toEqual([1, 2, 3, 4]);
  });
});

