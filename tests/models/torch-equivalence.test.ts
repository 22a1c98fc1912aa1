import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../../src/data/npy.ts';
import { writeNpzFile, type NpzEntry } from '../../src/data/npz.ts';
import { mismatch } from '../../src/conformance/compare.ts';
import { tensor, type Shape, type Tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { convnetModel } from '../../src/plugins/models/convnet/convnet.ts';
import { fnoModel } from '../../src/plugins/models/fno/fno.ts';
import { resnetModel } from '../../src/plugins/models/resnet/resnet.ts';
import { unetModel } from '../../src/plugins/models/unet/unet.ts';
import type { PluginDefinition } from '../../src/contracts/plugin.ts';
import type { Model } from '../../src/contracts/model.ts';
import { buildForward, createModel, parameterCount } from './model-harness.ts';

// Each case: a tandem model plugin with a channels-first layout, and the same network written in plain torch
// (tests/models/torch_models.py). Same initial weights (ours, loaded by name with strict=True), same input.
interface Case {
  readonly name: string;
  readonly def: PluginDefinition<'model', any, Model>;
  readonly params: Record<string, unknown>;
  readonly input: string;
  readonly shape: Shape;
}
const CASES: Case[] = [
  { name: 'convnet 1-D periodic', def: convnetModel, params: { layout: '(vector, x)', width: 8, depth: 2 }, input: 'u', shape: [2, 1, 16] },
  { name: 'convnet 2-D zeros, tanh, kernel 5', def: convnetModel, params: { layout: '(vector, x, y)', width: 6, depth: 2, padding: 'zeros', activation: 'tanh', kernel: 5 }, input: 'u', shape: [2, 2, 8, 12] },
  { name: 'resnet 1-D periodic', def: resnetModel, params: { layout: '(vector, x)', width: 8, blocks: 2 }, input: 'u', shape: [2, 1, 16] },
  { name: 'resnet 2-D periodic, gelu', def: resnetModel, params: { layout: '(vector, x, y)', width: 6, blocks: 2, activation: 'gelu' }, input: 'u', shape: [2, 2, 8, 8] },
  { name: 'unet 1-D, 3 levels', def: unetModel, params: { layout: '(vector, x)', width: 8, levels: 3 }, input: 'u', shape: [2, 1, 16] },
  { name: 'unet 2-D, 3 levels, zeros', def: unetModel, params: { layout: '(vector, x, y)', width: 6, levels: 3, padding: 'zeros' }, input: 'u', shape: [2, 2, 8, 12] },
  ...(['matmul', 'dft'] as const).flatMap((t) => [
    { name: `fno 2-D (Darcy layout), domain padding, ${t}`, def: fnoModel, params: { width: 8, layers: 3, modes: 5, domain_padding: 3, spectral_transform: t }, input: 'permeability', shape: [2, 1, 12, 16] },
    { name: `fno 2-D, modes at the limit, ${t}`, def: fnoModel, params: { width: 4, layers: 2, modes: 4, spectral_transform: t }, input: 'permeability', shape: [2, 1, 8, 6] },
    { name: `fno 1-D, odd grid, ${t}`, def: fnoModel, params: { layout: '(channel, x)', width: 8, layers: 2, modes: 6, spectral_transform: t }, input: 'permeability', shape: [3, 1, 15] },
  ]),
];

interface Outcome {
  ours: Tensor;
  torch: Tensor;
  ourCount: number;
  torchCount: number;
}

const dir = mkdtempSync(join(tmpdir(), 'tandem-models-'));
const outcomes = new Map<string, Outcome>();

beforeAll(async () => {
  const specs: { model: string; params: Record<string, unknown>; npz: string; out: string; out_channels: number }[] = [];
  const ours: [string, Tensor, number][] = [];
  for (const [i, c] of CASES.entries()) {
    const model = createModel(c.def, c.params);
    const built = buildForward(model, { [c.input]: c.shape });
    const out = await runOnOrt(built.graph, built.feeds);
    const arrays: Record<string, NpzEntry> = { __input__: built.feeds[c.input] as NpzEntry };
    for (const [k, t] of built.params) arrays[k] = t as NpzEntry;
    const npz = join(dir, `case${i}.npz`);
    writeNpzFile(npz, arrays);
    const y = Object.values(out)[0];
    specs.push({ model: c.def.name, params: model.effectiveSettings(), npz, out: join(dir, `case${i}.npy`), out_channels: y.shape[1] });
    ours.push([c.name, y, parameterCount(built.params)]);
  }
  writeFileSync(join(dir, 'specs.json'), JSON.stringify(specs));
  const { stdout } = await execa('/usr/bin/python3', [join(import.meta.dirname, 'torch_models.py'), join(dir, 'specs.json')]);
  const counts = JSON.parse(stdout) as { parameters: number }[];
  ours.forEach(([name, y, count], i) => {
    const npy = decodeNpy(readFileSync(specs[i].out), { file: specs[i].out });
    const asF32 = tensor('float32', npy.shape, Array.from(npy.data as Float64Array));
    outcomes.set(name, { ours: y, torch: asF32, ourCount: count, torchCount: counts[i].parameters });
  });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('field models match the same network written in PyTorch (same weights, same input)', () => {
  it.each(CASES.map((c) => c.name))('%s: parameter count and forward output', (name) => {
    const o = outcomes.get(name)!;
    expect(o.ourCount).toBe(o.torchCount);
    // float32 (ORT) against float64 (torch): rounding only.
    expect(mismatch(o.ours, o.torch, { rtol: 1e-4, atol: 1e-5 })).toBeUndefined();
  });
});
