// spec: specs/bring-your-own-model.md "Dropout". An MLP with nn.Dropout(0.2) exported by torch in training mode:
// each Dropout becomes x · mask with the mask fed per step from the seeded RNG, the same numbers to every backend
// and to the torch reference, so the model trains and parity holds; evaluation feeds ones (torch's eval()).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mismatch } from '../../../src/conformance/compare.ts';
import type { Backend, BatchFeed, Session } from '../../../src/contracts/backend.ts';
import { drawDropoutMasks, withDropoutMasks } from '../../../src/contracts/dropout-masks.ts';
import { writeNpzFile } from '../../../src/data/npz.ts';
import { Rng } from '../../../src/data/rng.ts';
import { setUpParity } from '../../../src/orchestrator/parity/parity-setup.ts';
import { runParity } from '../../../src/orchestrator/parity/run-parity.ts';
import { LiveTorchReference } from '../../../src/plugins/backends/torch/live-torch-reference.ts';
import { builtinPlugins } from '../../../src/plugins/index.ts';
import { ortBackend } from '../../../src/plugins/backends/onnxruntime/ort-backend.ts';
import { STAGES } from '../../../src/parity/report.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../../src/train/program.ts';
import { openReference } from '../../backends/torch/torch-available.ts';
import { writeNpzExperiment } from '../../parity/npz-experiment.ts';
import { cli, runStatuses } from '../../cli/run-cli.ts';
import { expectedOf, exportTorchModels, onnxProgram } from './exported-models.ts';

const { ref, skip } = await openReference('onnx dropout');
await ref.dispose();
let dir = '';
let rolloutConfig = '';
let cleanup = () => {};
const outputs = mkdtempSync(join(tmpdir(), 'tandem-dropout-runs-'));
beforeAll(async () => {
  if (skip) return;
  ({ dir, cleanup } = await exportTorchModels('export_dropout_model.py'));
  const rng = new Rng(11);
  const n = 64;
  const x = Float32Array.from({ length: 2 * n }, () => 2 * rng.uniform() - 1);
  const y = Float32Array.from({ length: n }, (_, i) => Math.sin(Math.PI * x[2 * i]) * x[2 * i + 1]);
  writeNpzFile(join(dir, 'data.npz'), { x: { dtype: 'float32', shape: [n, 2], data: x }, y: { dtype: 'float32', shape: [n, 1], data: y } });
  writeFileSync(join(dir, 'dropout.yaml'), `
experiment: { name: dropout, seed: 0 }
adapter:
  name: npz
  params:
    path: ${join(dir, 'data.npz')}
    keys:
      x: { dtype: float32, dims: [batch, vector], shape: [n, 2] }
      y: { dtype: float32, dims: [batch, vector], shape: [n, 1] }
model:
  name: onnx
  params: { path: ${join(dir, 'dropout_mlp.onnx')}, outputs: { y: y_hat } }
backend: { name: onnxruntime }
train:
  epochs: 2
  batch_size: 16
  optimizer: { name: adam, lr: 0.01 }
  loss:
    data: { kind: mse, output: y_hat, target: y }
tracker: { name: none }
reporter: { name: json }
`);
  // Windows of 3 states for the rollout of dropout_step: 48 samples, 10 held out (batches of 8 and 2).
  rolloutConfig = writeNpzExperiment({
    name: 'dropout-rollout',
    dir,
    data: { w: { shape: [48, 3, 2], dims: ['batch', 'time', 'vector'], data: Float32Array.from({ length: 48 * 3 * 2 }, () => 2 * rng.uniform() - 1) } },
    model: `{ name: onnx, params: { path: ${join(dir, 'dropout_step.onnx')}, outputs: { y: y_hat } } }`,
    batchSize: 8,
    lr: 0.01,
    epochs: 2,
    loss: "{ rollout: { kind: rollout_mse, field: w, window: '(time, vector)', input: x, output: y_hat, horizon: 2 } }",
  });
}, 60_000);
afterAll(() => cleanup());

describe('Dropout masks', () => {
  const masks = [{ name: 'd/mask', shape: [50, 40], ratio: 0.2 }];

  it('drop a ratio of the elements, scale the rest by 1/(1-ratio), and repeat exactly for one (seed, step)', () => {
    const m = drawDropoutMasks(masks, 7, 3).get('d/mask')!;
    const values = [...m.data as Float64Array];
    expect(new Set(values)).toEqual(new Set([0, 1.25]));
    expect(values.filter((v) => v === 0).length / values.length).toBeCloseTo(0.2, 1);
    expect(drawDropoutMasks(masks, 7, 3).get('d/mask')!.data).toEqual(m.data);
    expect(drawDropoutMasks(masks, 7, 4).get('d/mask')!.data).not.toEqual(m.data);
    expect(drawDropoutMasks(masks, 8, 3).get('d/mask')!.data).not.toEqual(m.data);
  });

  it('leave a feed of a model without Dropout as it is', () => {
    const feed: BatchFeed = new Map();
    expect(withDropoutMasks(feed, [], 0, 1)).toBe(feed);
  });
});

describe.skipIf(!!skip)('an MLP with nn.Dropout(0.2) exported in training mode', () => {
  it('imports each Dropout as a product with a mask input; without masks it computes torch eval() exactly, with them it drops', async () => {
    const { x, y } = expectedOf(dir, 'dropout_mlp');
    const program = await onnxProgram(join(dir, 'dropout_mlp.onnx'), [2], [1], { batch: 8 });
    expect(program.dropoutMasks.map((m) => [m.name, m.shape])).toEqual([['/2/Dropout/mask', [8, 16]], ['/5/Dropout/mask', [8, 16]]]);
    const session = await (await ortBackend.create(ortBackend.params.parse({}))).compile(program);
    try {
      const batch = new Map([['x', x], ['y', y]]);
      const evaluated = (await session.forward(batch)).get('y_hat')!;
      expect(mismatch(evaluated, y, { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
      const dropped = (await session.forward(withDropoutMasks(batch, program.dropoutMasks, 0, 1))).get('y_hat')!;
      expect(mismatch(dropped, y, { rtol: 1e-3, atol: 1e-3 })).toBeDefined();
    } finally {
      await session.dispose();
    }
  }, 60_000);

  it('tandem run trains it on tfjs to the end', async () => {
    const r = await cli('run', join(dir, 'dropout.yaml'), 'backend.name=tfjs', '--outputs', join(outputs, 'runs'));
    expect(r.code, r.stderr).toBe(0);
    expect(runStatuses(join(outputs, 'runs'))).toEqual(['complete']);
  }, 120_000);

  it('tandem parity passes every stage on onnxruntime and tfjs against live torch (14/14)', async () => {
    const r = await cli('parity', join(dir, 'dropout.yaml'), '+parity.trajectory_steps=8', '--outputs', join(outputs, 'parity'));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/PASS: 14 pass, 0 fail, 0 error/);
  }, 180_000);

  it('a backend fed other masks than the reference (the next step\'s) fails parity from the forward stage on', async () => {
    const reference = new LiveTorchReference();
    try {
      const { report } = await runParity({
        configFile: join(dir, 'dropout.yaml'),
        overrides: [],
        builtins: builtinPlugins,
        outputsRoot: join(outputs, 'mutated'),
        selectors: ['*/onnxruntime/*'],
        reference,
        sides: { onnxruntime: { backend: shiftedMasks } },
      });
      const verdicts = Object.fromEntries(report.cases.map((c) => [c.stage, c.verdict]));
      expect(Object.keys(verdicts)).toEqual([...STAGES]);
      expect(verdicts).toMatchObject({ init: 'pass', forward: 'fail', loss: 'fail', gradients: 'fail', step: 'fail', trajectory: 'fail' });
    } finally {
      await reference.dispose();
    }
  }, 180_000);
});

/**
 * A rollout loss applies the step model to its own output, so one loss calls its training-mode Dropout once per
 * rollout step. torch draws a fresh mask per call; so does tandem: each application is its own mask input
 * (`apply<k>/<node>/mask`), drawn from its own stream, and parity must feed every side all of them, as the
 * trainer does. (It used to find the masks from the forward pass alone, so parity fed ones to the rollout's calls:
 * Dropout off in parity's loss while training dropped.) At another batch than training's (evaluation's last,
 * partial batch) each application's mask is ones of that batch's shape.
 */
describe.skipIf(!!skip)('a training-mode Dropout called twice in one loss (a rollout of 2 steps)', () => {
  it('gets a mask per call, and parity feeds every one of them as the trainer does', async () => {
    const { experiment } = await setUpParity({ configFile: rolloutConfig, overrides: [], builtins: builtinPlugins });
    const program = buildTrainingProgram(experiment.programSpec('float32'), experiment.batchSize);
    expect(program.dropoutMasks.map((m) => [m.name, m.shape])).toEqual([
      ['/2/Dropout/mask', [8, 16]],
      ['apply1//2/Dropout/mask', [8, 16]],
      ['apply2//2/Dropout/mask', [8, 16]],
    ]);
    expect(experiment.dropoutMasks()).toEqual(program.dropoutMasks);
    const fed = experiment.firstBatch();
    expect(fed.get('apply1//2/Dropout/mask')!.data).not.toEqual(fed.get('apply2//2/Dropout/mask')!.data);
    expect(experiment.trajectory(2)[1].feed.get('apply1//2/Dropout/mask')!.data).not.toEqual(fed.get('apply1//2/Dropout/mask')!.data);
  }, 60_000);

  it('tandem run trains it (validation in batches of 8 and 2), and tandem parity passes 14/14', async () => {
    const run = await cli('run', rolloutConfig, '--outputs', join(outputs, 'rollout-runs'));
    expect(run.code, run.stderr).toBe(0);
    expect(runStatuses(join(outputs, 'rollout-runs'))).toEqual(['complete']);
    const r = await cli('parity', rolloutConfig, '--outputs', join(outputs, 'rollout-parity'));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/PASS: 14 pass, 0 fail, 0 error/);
  }, 240_000);

  it("a backend whose rollout calls get no mask (Dropout off in them, what parity once fed) fails from the loss on, its forward passing", async () => {
    const reference = new LiveTorchReference();
    try {
      const { report } = await runParity({
        configFile: rolloutConfig,
        overrides: [],
        builtins: builtinPlugins,
        outputsRoot: join(outputs, 'rollout-mutated'),
        selectors: ['*/onnxruntime/*'],
        reference,
        sides: { onnxruntime: { backend: withoutMasks(/^apply/) } },
      });
      const verdicts = Object.fromEntries(report.cases.map((c) => [c.stage, c.verdict]));
      expect(verdicts).toMatchObject({ init: 'pass', forward: 'pass', loss: 'fail', gradients: 'fail', step: 'fail', trajectory: 'fail' });
    } finally {
      await reference.dispose();
    }
  }, 180_000);
});

/** The backend fed every batch without the masks whose names match `drop`: those Dropouts see ones (off). */
function withoutMasks(drop: RegExp): (backend: Backend) => Backend {
  return (backend) => feedsMapped(backend, () => (batch) => new Map([...batch].filter(([name]) => !drop.test(name))));
}

/** The backend with every fed mask replaced by the masks of the step after: a Dropout that draws its own. */
function shiftedMasks(backend: Backend): Backend {
  return feedsMapped(backend, (program) => (batch) => {
    const fed = program.dropoutMasks.filter((m) => batch.has(m.name));
    return new Map([...batch, ...drawDropoutMasks(fed, program.spec.seed, 99)]);
  });
}

/** `backend` with every batch its sessions are fed rewritten by `map` (made per compiled program). */
function feedsMapped(backend: Backend, map: (program: TrainingProgram) => (batch: BatchFeed) => BatchFeed): Backend {
  return {
    name: backend.name,
    dtype: backend.dtype,
    capabilities: () => backend.capabilities(),
    executor: (options) => backend.executor(options),
    effectiveSettings: () => backend.effectiveSettings(),
    async compile(program) {
      const session = await backend.compile(program);
      const mapped = map(program);
      const wrapped: Session = {
        step: (batch, lr, stepIndex) => session.step(mapped(batch), lr, stepIndex),
        evaluate: (batch) => session.evaluate(mapped(batch)),
        forward: (batch, options) => session.forward(mapped(batch), options),
        gradients: (batch) => session.gradients(mapped(batch)),
        getState: () => session.getState(),
        setState: (state) => session.setState(state),
        dispose: () => session.dispose(),
      };
      return wrapped;
    },
  };
}
