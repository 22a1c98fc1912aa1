import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mismatch } from '../../../src/conformance/compare.ts';
import { toNumbers } from '../../../src/graph/tensor.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { tfjsBackend } from '../../../src/plugins/backends/tfjs/tfjs-backend.ts';
import type { TrainingProgram } from '../../../src/train/program.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { expectedOf, exportTorchModels, firstSamples, onnxProgram } from './exported-models.ts';

const { ref, skip } = await openReference('shape-folding');
await ref.dispose();
let dir = '';
let cleanup = () => {};
beforeAll(async () => {
  if (!skip) ({ dir, cleanup } = await exportTorchModels('export_folding_models.py'));
}, 60_000);
afterAll(() => cleanup());

/** Import-time ops that must all have folded away before a backend sees the graph. */
const SHAPE_OPS = ['Shape', 'Size', 'ConstantOfShape', 'Range'];
const INT32 = 2 ** 31;

/** Exported at batch 4 with a dynamic batch axis; imported at batch 3, so the folded shapes are the new ones. */
const BATCH = 3;
const MODELS: [name: string, sample: number[], what: string][] = [
  ['viewbatch', [3, 4], 'x.view(x.size(0), -1): Shape, Gather, Unsqueeze, Concat → Reshape'],
  ['tail', [4], 'x[..., -2:] and torch.flip: Slice bounds INT64_MAX / INT64_MIN'],
  ['encoder', [5, 8], 'nn.TransformerEncoderLayer: 7 Shape chains, Cast, Div'],
  ['attention', [5, 8], 'nn.MultiheadAttention'],
  ['positions', [5, 8], 'an Embedding of torch.arange(x.size(1)): Range'],
  ['classtoken', [5, 8], 'a ViT class token expanded to x.size(0): Expand'],
];

async function forwardOn(p: TrainingProgram, backend: 'onnxruntime' | 'tfjs', name: string) {
  const session = backend === 'onnxruntime' ? await (await ortBackend.create(ortBackend.params.parse({ threads: 1 }))).compile(p) : await (await tfjsBackend.create(tfjsBackend.params.parse({ device: 'wasm' }))).compile(p);
  const { x, y } = expectedOf(dir, name);
  const out = await session.forward(new Map([['x', firstSamples(x, BATCH)], ['y', firstSamples(y, BATCH)]]));
  await session.dispose();
  return { got: out.get('y_hat')!, want: firstSamples(y, BATCH) };
}

describe.skipIf(!!skip)('shape folding at import: torch exports that compute shapes', () => {
  for (const [name, sample, what] of MODELS) {
    it(`${name} (${what}) folds to constants, and its forward at another batch size is torch's on onnxruntime and tfjs`, async () => {
      const { y } = expectedOf(dir, name);
      const p = await onnxProgram(join(dir, `${name}.onnx`), sample, y.shape.slice(1), { batch: BATCH });
      const g = p.graphs.forward;
      expect(g.nodes.filter((n) => SHAPE_OPS.includes(n.op)).map((n) => n.name)).toEqual([]);
      // Nothing an int32 backend cannot hold: torch's "to the end" Slice bounds were clamped to the shape.
      for (const [k, t] of g.initializers) {
        if (t.dtype === 'int64') expect(toNumbers(t).every((v) => Math.abs(v) < INT32), `initializer ${k}: ${toNumbers(t)}`).toBe(true);
      }
      for (const backend of ['onnxruntime', 'tfjs'] as const) {
        const { got, want } = await forwardOn(p, backend, name);
        expect(mismatch(got, want, { rtol: 1e-4, atol: 1e-5 }), backend).toBeUndefined();
      }
    }, 60_000);
  }
});
