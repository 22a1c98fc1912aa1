// spec: specs/bring-your-own-model.md "Export fidelity": model onnx with `expected: <npz>`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpzFile, type NpzEntry } from '../../../src/data/npz.ts';
import type { Tensor } from '../../../src/graph/tensor.ts';
import { constructPlugin } from '../../../src/orchestrator/plugins/construct-plugin.ts';
import { builtinPlugins } from '../../../src/plugins/index.ts';
import { exportModule, type ExportedModule } from '../../../src/plugins/models/torch-module/export-module.ts';
import { openReference } from '../../backends/torch/torch-available.ts';

const MODULES = join(import.meta.dirname, '..', 'torch-module', 'modules.py');
const { ref, skip } = await openReference('onnx expected npz');
await ref.dispose();
const dir = mkdtempSync(join(tmpdir(), 'tandem-expected-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const x: Tensor = { dtype: 'float32', shape: [2, 1, 8], data: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)) };
let good: ExportedModule;
let circular: ExportedModule;
beforeAll(async () => {
  if (skip) return;
  // The torch-module export writes exactly what a user's torch.onnx.export would, plus the module's own values.
  good = await exportModule({ file: MODULES, callable: 'good' }, 0, new Map([['x', x]]), ['y']);
  circular = await exportModule({ file: MODULES, callable: 'circular' }, 0, new Map([['x', x]]), ['y']);
  writeFileSync(join(dir, 'good.onnx'), good.bytes);
  writeFileSync(join(dir, 'circular.onnx'), circular.bytes);
}, 60_000);

function npz(name: string, values: ReadonlyMap<string, Tensor>): string {
  const path = join(dir, `${name}.npz`);
  writeNpzFile(path, Object.fromEntries([...values].map(([k, t]): [string, NpzEntry] => [k, { dtype: 'float32', shape: t.shape, data: t.data as Float32Array }])));
  return path;
}

const onnxModel = (file: string, expected: string) => constructPlugin(builtinPlugins, 'model', 'onnx', { path: join(dir, file), expected });

describe.skipIf(!!skip)('model onnx with expected: the file, run on onnxruntime, must reproduce the npz', () => {
  it('accepts an export that computes what its module computed (inputs, outputs and intermediate values)', async () => {
    await expect(onnxModel('good.onnx', npz('good', good.expected))).resolves.toBeDefined();
  });

  it("refuses torch 1.13's circular-padding Conv1d export, naming the node where it departs", async () => {
    await expect(onnxModel('circular.onnx', npz('circular', circular.expected))).rejects.toThrow(/node "\/conv\/Conv" \(Conv\) of submodule conv gives "\/conv\/Conv_output_0" .* beyond rtol 1\.3e-6, atol 1e-5\)/);
  });

  it('names the first diverging node when one intermediate value is wrong (a deliberately wrong reference)', async () => {
    const layer = [...good.expected.keys()].find((k) => k.startsWith('/layer/'))!;
    const wrong = new Map(good.expected);
    const t = wrong.get(layer)!;
    const data = Float32Array.from(t.data as Float32Array);
    data[3] += 1e-3;
    wrong.set(layer, { ...t, data });
    await expect(onnxModel('good.onnx', npz('wrong', wrong))).rejects.toThrow(new RegExp(`node "/layer/[A-Za-z]+" \\([A-Za-z]+\\) of submodule layer gives "${layer}" .* at flat index 3`));
  });

  it('refuses an npz that lacks a graph input, or names a value the file does not compute', async () => {
    const noInput = new Map(good.expected);
    noInput.delete('x');
    await expect(onnxModel('good.onnx', npz('no-input', noInput))).rejects.toThrow(/has no value for graph input "x" of .*good\.onnx/);
    await expect(onnxModel('good.onnx', npz('unknown', new Map([...good.expected, ['/nowhere/Add_output_0', x]])))).rejects.toThrow(/holds "\/nowhere\/Add_output_0", which .*good\.onnx neither takes as input nor computes/);
  });
});
