import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { onnxModel } from '../../../src/plugins/models/onnx/onnx-model.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { exportTorchModels } from './exported-models.ts';

// Every ```yaml block of specs/bring-your-own-model.md is a model section: schema-checked, then constructed on
// the model of that file name as the tests export it.
const spec = readFileSync(new URL('../../../specs/bring-your-own-model.md', import.meta.url), 'utf8');
const blocks = [...spec.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as { name: string; params: { path: string } });

const { ref, skip } = await openReference('onnx spec-examples');
await ref.dispose();
let dir = '';
let cleanup = () => {};
beforeAll(async () => {
  if (!skip) ({ dir, cleanup } = await exportTorchModels());
}, 60_000);
afterAll(() => cleanup());

describe('specs/bring-your-own-model.md examples', () => {
  it('has examples to check', () => expect(blocks.length).toBeGreaterThanOrEqual(2));
  blocks.forEach((block, i) => {
    it(`example ${i + 1} is a valid onnx model section`, async (ctx) => {
      expect(block.name).toBe(onnxModel.name);
      const params = onnxModel.params.parse(block.params);
      if (skip) return ctx.skip(`no torch to export the models: ${skip}`);
      const model = await onnxModel.create({ ...params, path: join(dir, basename(params.path)) });
      expect(model.effectiveSettings()).toMatchObject({ resolved: { trainable: expect.any(Array), frozen: expect.any(Array) } });
    });
  });
});
