// spec: specs/training.md §4
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, type Value } from '../../src/graph/builder.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { dataTerm } from '../../src/train/losses/data/data-terms.ts';
import { pdeResidualLoss } from '../../src/train/losses/equations/pde-residual.ts';
import { poissonNll } from '../../src/train/losses/ptycho/poisson-nll.ts';
import { rolloutLoss } from '../../src/train/losses/rollout/rollout-loss.ts';
import { runTorch, torchUnavailable } from './helpers/torch-python.ts';

// Fixed data: a batch of 3 samples of 4 values. Expected values are written out element by element below.
const PRED = [0.5, -1.2, 2.0, 0.3, 1.1, 0.0, -0.4, 0.9, 3.2, 1.5, -2.2, 0.1];
const TARGET = [0.4, -1.0, 1.5, 0.0, 1.0, 0.2, -0.5, 1.3, 3.0, 1.0, -2.0, 0.6];
const RATE = [0.5, 1.2, 2.0, 0.3, 1.1, 1e-3, 0.4, 0.9, 3.2, 1.5, 0.0, 0.1]; // one zero: eps must keep it finite
const COUNTS = [0, 1, 3, 0, 2, 0, 1, 1, 4, 2, 0, 0];
const SHAPE = [3, 4];

/** Builds `loss(a, b)` as a float64 graph and evaluates it on onnxruntime. */
async function evalLoss(build: (g: GraphBuilder, a: Value, b: Value) => Value, a: number[], b: number[]): Promise<number> {
  const g = new GraphBuilder('loss');
  const va = g.input('a', 'float64', SHAPE);
  const vb = g.input('b', 'float64', SHAPE);
  g.output(build(g, va, vb), 'out');
  const r = await runOnOrt(g.build(), { a: tensor('float64', SHAPE, a), b: tensor('float64', SHAPE, b) });
  return Number(r.out.data[0]);
}

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

describe('losses as graphs on onnxruntime equal their definitions', () => {
  it('mse = mean((p − t)²)', async () => {
    expect(await evalLoss((g, a, b) => dataTerm(g, 'mse', a, b), PRED, TARGET)).toBeCloseTo(mean(PRED.map((p, i) => (p - TARGET[i]) ** 2)), 14);
  });

  it('l1 = mean(|p − t|)', async () => {
    expect(await evalLoss((g, a, b) => dataTerm(g, 'l1', a, b), PRED, TARGET)).toBeCloseTo(mean(PRED.map((p, i) => Math.abs(p - TARGET[i]))), 14);
  });

  it('relative L2 = mean over samples of ‖p − t‖₂ / ‖t‖₂', async () => {
    const perSample = [0, 1, 2].map((s) => {
      const idx = [0, 1, 2, 3].map((j) => s * 4 + j);
      return Math.sqrt(idx.reduce((acc, i) => acc + (PRED[i] - TARGET[i]) ** 2, 0)) / Math.sqrt(idx.reduce((acc, i) => acc + TARGET[i] ** 2, 0));
    });
    expect(await evalLoss((g, a, b) => dataTerm(g, 'rel_l2', a, b), PRED, TARGET)).toBeCloseTo(mean(perSample), 14);
  });

  it('poisson NLL = mean(rate − counts·log(rate + 1e-8)), finite at zero rate', async () => {
    const expected = mean(RATE.map((r, i) => r - COUNTS[i] * Math.log(r + 1e-8)));
    const got = await evalLoss((g, a, b) => poissonNll(g, a, b), RATE, COUNTS);
    expect(Number.isFinite(got)).toBe(true);
    expect(got).toBeCloseTo(expected, 13);
  });

  it('PDE residual term = mean(r²)', async () => {
    expect(await evalLoss((g, a) => pdeResidualLoss(g, a), PRED, TARGET)).toBeCloseTo(mean(PRED.map((r) => r * r)), 14);
  });
});

describe('rollout loss', () => {
  // The "model" is x ↦ 0.9·x + 0.1 (elementwise), applied to its own output; targets are 3 future states.
  const H = 3;
  const targets = [0.2, 0.5, 0.7].map((off) => PRED.map((p, i) => TARGET[i] * (1 - off) + off * p));

  async function run(): Promise<{ total: number; perStep: number[] }> {
    const g = new GraphBuilder('rollout');
    const x0 = g.input('x0', 'float64', SHAPE);
    const ts = targets.map((_, k) => g.input(`t${k}`, 'float64', SHAPE));
    const { total, perStep } = rolloutLoss(g, x0, ts, (gb, s) => gb.add(gb.mul(s, gb.scalar(0.9, 'float64')), gb.scalar(0.1, 'float64')));
    g.output(total, 'total');
    perStep.forEach((v, k) => g.output(v, `step${k}`));
    const feeds = Object.fromEntries([['x0', tensor('float64', SHAPE, PRED)], ...targets.map((t, k) => [`t${k}`, tensor('float64', SHAPE, t)])]);
    const r = await runOnOrt(g.build(), feeds);
    return { total: Number(r.total.data[0]), perStep: [0, 1, 2].map((k) => Number(r[`step${k}`].data[0])) };
  }

  it('applies the step to its own output and averages the per-step MSE over the horizon', async () => {
    let state = [...PRED];
    const expectedSteps: number[] = [];
    for (let k = 0; k < H; k++) {
      state = state.map((x) => 0.9 * x + 0.1);
      expectedSteps.push(mean(state.map((x, i) => (x - targets[k][i]) ** 2)));
    }
    const got = await run();
    got.perStep.forEach((v, k) => expect(v).toBeCloseTo(expectedSteps[k], 14));
    expect(got.total).toBeCloseTo(mean(expectedSteps), 14);
  });

  it('refuses an empty horizon and a step that changes the state shape', () => {
    const g = new GraphBuilder('bad');
    const x0 = g.input('x0', 'float64', SHAPE);
    expect(() => rolloutLoss(g, x0, [], (_gb, s) => s)).toThrow('the horizon is empty');
    const t = g.input('t', 'float64', SHAPE);
    expect(() => rolloutLoss(g, x0, [t], (gb, s) => gb.op1('ReduceSum', [s], { keepdims: 0 }))).toThrow(/step 1 produced \[\] but its target "t" is \[3, 4\]/);
  });
});

let skip: string | undefined;
let torchValues: Record<string, number> = {};
beforeAll(async () => {
  skip = await torchUnavailable();
  if (!skip) {
    torchValues = await runTorch(
      `
p = torch.tensor(INPUT['pred']).reshape(3, 4); t = torch.tensor(INPUT['target']).reshape(3, 4)
r = torch.tensor(INPUT['rate']).reshape(3, 4); c = torch.tensor(INPUT['counts'], dtype=torch.float64).reshape(3, 4)
F = torch.nn.functional
out = {
  'mse': float(F.mse_loss(p, t)),
  'l1': float(F.l1_loss(p, t)),
  'rel_l2': float((torch.norm(p - t, dim=1) / torch.norm(t, dim=1)).mean()),
  'poisson': float(torch.nn.PoissonNLLLoss(log_input=False, full=False, eps=1e-8)(r, c)),
}
print(json.dumps(out))`,
      { pred: PRED, target: TARGET, rate: RATE, counts: COUNTS },
    );
  }
});

describe('losses match torch (1.13, float64)', () => {
  const cases: [string, (g: GraphBuilder, a: Value, b: Value) => Value, number[], number[]][] = [
    ['mse', (g, a, b) => dataTerm(g, 'mse', a, b), PRED, TARGET],
    ['l1', (g, a, b) => dataTerm(g, 'l1', a, b), PRED, TARGET],
    ['rel_l2', (g, a, b) => dataTerm(g, 'rel_l2', a, b), PRED, TARGET],
    ['poisson', (g, a, b) => poissonNll(g, a, b), RATE, COUNTS],
  ];
  for (const [key, build, a, b] of cases) {
    it(key, async (ctx) => {
      if (skip) return ctx.skip(`torch reference unavailable: ${skip}`);
      const ours = await evalLoss(build, a, b);
      expect(Math.abs(ours - torchValues[key])).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(torchValues[key])));
    });
  }
});
