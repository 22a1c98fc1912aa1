/**
 * One train step (MSE + Adam) of each field model at its default CPU size on ONNX Runtime (tandem's fused step
 * graph through the onnxruntime backend), and — same weights, same batch, same thread count — the equivalent
 * native PyTorch module (tests/models/torch_models.py) with loss.backward() + Adam. The first losses of both are
 * compared, so the two did the same arithmetic.
 *
 *   npx tsx scripts/bench-field-models.ts [threads=1] [steps=10] [case filter]
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rngFor } from '../src/data/rng.ts';
import { writeNpzFile, type NpzEntry } from '../src/data/npz.ts';
import { sizeOf, tensor, type Shape, type Tensor } from '../src/graph/tensor.ts';
import { ortBackend } from '../src/plugins/backends/onnxruntime/ort-backend.ts';
import { convnetModel } from '../src/plugins/models/convnet/convnet.ts';
import { fnoModel } from '../src/plugins/models/fno/fno.ts';
import type { FieldIoSettings, FieldModel } from '../src/plugins/models/layers/field-model.ts';
import { resnetModel } from '../src/plugins/models/resnet/resnet.ts';
import { unetModel } from '../src/plugins/models/unet/unet.ts';
import type { PluginDefinition } from '../src/contracts/plugin.ts';
import { dataTerm } from '../src/train/losses/data/data-terms.ts';
import { createOptimizer } from '../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram } from '../src/train/program.ts';

const LR = 1e-3;
interface Case {
  readonly id: string;
  readonly def: PluginDefinition<'model', any, FieldModel<FieldIoSettings>>;
  readonly params: Record<string, unknown>;
  /** One sample, channels first (the layout the torch module takes). */
  readonly sample: Shape;
  readonly batch: number;
}
const ALL: Case[] = [
  { id: 'convnet 1-D N=64 (defaults)', def: convnetModel, params: { layout: '(vector, x)' }, sample: [1, 64], batch: 32 },
  { id: 'resnet 1-D N=64 (defaults)', def: resnetModel, params: { layout: '(vector, x)' }, sample: [1, 64], batch: 32 },
  { id: 'unet 1-D N=64 (defaults)', def: unetModel, params: { layout: '(vector, x)' }, sample: [1, 64], batch: 32 },
  { id: 'unet 2-D 64×64×2 (defaults)', def: unetModel, params: { layout: '(vector, x, y)' }, sample: [2, 64, 64], batch: 8 },
  { id: 'fno 2-D Darcy 64² (defaults 16/4/8)', def: fnoModel, params: {}, sample: [1, 64, 64], batch: 16 },
  { id: 'fno 2-D Darcy 64² (defaults, DFT ops)', def: fnoModel, params: { spectral_transform: 'dft' }, sample: [1, 64, 64], batch: 16 },
  { id: 'fno 2-D Darcy 64² (seed 32/4/12)', def: fnoModel, params: { width: 32, modes: 12 }, sample: [1, 64, 64], batch: 16 },
];

const threads = Number(process.argv[2] ?? 1);
// An optional third argument keeps only the cases whose id contains it (e.g. "fno").
const CASES = ALL.filter((c) => c.id.includes(process.argv[4] ?? ''));
const steps = Number(process.argv[3] ?? 10);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// On a shared machine the minimum is the steadier estimate of what a step costs; both are reported.
const fmt = (med: number, min: number) => `${med.toFixed(1)} (${min.toFixed(1)})`;
const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-fields-'));
try {
  const rows: string[] = [];
  for (const [i, c] of CASES.entries()) {
    const model = c.def.create(c.def.params.parse(c.params)) as FieldModel<FieldIoSettings>;
    const settings = model.effectiveSettings() as { input: string; output: string };
    const shape = [c.batch, ...c.sample];
    const random = (label: string): Tensor => {
      const rng = rngFor(0, 'bench', label);
      return tensor('float32', shape, Array.from({ length: sizeOf(shape) }, () => rng.normal()));
    };
    const [x, target] = [random('x'), random('target')];
    const program = buildTrainingProgram(
      {
        name: c.def.name,
        model,
        seed: 0,
        dtype: 'float32',
        inputs: { [settings.input]: { dtype: 'float32', shape: c.sample, perSample: true }, target: { dtype: 'float32', shape: c.sample, perSample: true } },
        loss: (s) => ({ data: { value: dataTerm(s.g, 'mse', s.outputs[settings.output], s.inputs.target), weight: 1 } }),
        optimizer: createOptimizer({ name: 'adam', lr: LR }),
      },
      c.batch,
    );
    const npz = join(dir, `case${i}.npz`);
    const entries: Record<string, NpzEntry> = { __input__: x as NpzEntry, __target__: target as NpzEntry };
    for (const p of program.params) entries[p.name] = program.initialState().get(p.name) as NpzEntry;
    writeNpzFile(npz, entries);

    const session = await (await ortBackend.create(ortBackend.params.parse({ threads }))).compile(program);
    const batch = new Map([[settings.input, x], ['target', target]]);
    const times: number[] = [];
    let firstLoss = NaN;
    for (let k = 0; k < steps + 2; k++) {
      const t0 = performance.now();
      const r = await session.step(batch, LR, k + 1);
      if (k >= 2) times.push(performance.now() - t0);
      if (k === 0) firstLoss = r.loss;
    }
    await session.dispose();

    const spec = join(dir, `case${i}.json`);
    writeFileSync(spec, JSON.stringify({ model: c.def.name, params: model.effectiveSettings(), npz, out_channels: c.sample[0], lr: LR, steps, threads }));
    const { stdout } = await execa('/usr/bin/python3', [join(import.meta.dirname, 'bench_field_models_torch.py'), spec]);
    const torch = JSON.parse(stdout) as { step_ms: number; min_ms: number; first_loss: number };
    const nodes = program.graphs.step.nodes.length;
    const params = program.params.reduce((n, p) => n + sizeOf(p.shape), 0);
    rows.push(`| ${c.id} | b${c.batch} | ${params} | ${nodes} | ${fmt(median(times), Math.min(...times))} | ${fmt(torch.step_ms, torch.min_ms)} | ${(torch.min_ms / Math.min(...times)).toFixed(2)}× | ${(Math.abs(firstLoss - torch.first_loss) / Math.abs(torch.first_loss)).toExponential(1)} |`);
    console.error(rows[rows.length - 1]);
  }
  console.log(`threads ${threads}, median and min of ${steps} steps after 2 warm-up, float32, MSE + Adam lr ${LR}`);
  console.log('| case | batch | params | step-graph nodes | ORT ms/step median (min) | torch ms/step median (min) | torch/ORT (min) | first-loss Δrel |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
