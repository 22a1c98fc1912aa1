// spec: specs/training.md §2
import { describe, expect, it } from 'vitest';
import type { GraphBuilder } from '../../src/graph/builder.ts';
import { Adam } from '../../src/train/optimizers/adam.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { parseOptimizerOptions, type AdamOptions, type SgdOptions } from '../../src/train/optimizers/optimizer-options.ts';
import { firstMismatch, runOptimizerOnOrt, type Trajectory } from './helpers/optimizer-harness.ts';
import { GRAD, lrAt, PARAMS, STEPS } from './helpers/optimizer-problem.ts';

// The expected trajectories below are plain scalar recurrences written from torch's documented update rules,
// element by element in float64; the implementation runs as an ONNX graph on onnxruntime, step by step, with
// parameters and slots fed back. float64 on both sides, so they agree to rounding.
const RTOL = 1e-12;

/** Gradients of every element at step k, clipped by global 2-norm like clip_grad_norm_ when maxNorm is set. */
function gradsAt(params: number[][], k: number, maxNorm?: number): { grads: number[][]; norm: number } {
  const grads = params.map((ps, i) => ps.map((p, j) => GRAD(p, i, j, k)));
  let sq = 0;
  for (const gs of grads) for (const v of gs) sq += v * v;
  const norm = Math.sqrt(sq);
  if (maxNorm === undefined) return { grads, norm };
  const coef = Math.min(maxNorm / (norm + 1e-6), 1);
  return { grads: grads.map((gs) => gs.map((v) => v * coef)), norm };
}

function referenceSgd(o: SgdOptions, lr: (k: number) => number, maxNorm?: number): Trajectory {
  const p = PARAMS.map((s) => [...s.init]);
  const buf = PARAMS.map((s) => s.init.map(() => 0));
  const out: Trajectory = { params: [], slots: [], gradNorms: [] };
  for (let k = 0; k < STEPS; k++) {
    const { grads, norm } = gradsAt(p, k, maxNorm);
    out.gradNorms.push(norm);
    for (let i = 0; i < p.length; i++) {
      for (let j = 0; j < p[i].length; j++) {
        let d = o.maximize ? -grads[i][j] : grads[i][j];
        d += o.weight_decay * p[i][j];
        if (o.momentum !== 0) {
          buf[i][j] = k === 0 ? d : o.momentum * buf[i][j] + (1 - o.dampening) * d;
          d = o.nesterov ? d + o.momentum * buf[i][j] : buf[i][j];
        }
        p[i][j] -= lr(k) * d;
      }
    }
    out.params.push(p.map((x) => [...x]));
    out.slots.push(buf.map((x): Record<string, number[]> => (o.momentum !== 0 ? { momentum_buffer: [...x] } : {})));
  }
  return out;
}

function referenceAdam(o: AdamOptions, lr: (k: number) => number): Trajectory {
  const [b1, b2] = o.betas;
  const p = PARAMS.map((s) => [...s.init]);
  const m = PARAMS.map((s) => s.init.map(() => 0));
  const v = PARAMS.map((s) => s.init.map(() => 0));
  const vmax = PARAMS.map((s) => s.init.map(() => 0));
  const out: Trajectory = { params: [], slots: [], gradNorms: [] };
  for (let k = 0; k < STEPS; k++) {
    const t = k + 1;
    const { grads } = gradsAt(p, k);
    for (let i = 0; i < p.length; i++) {
      for (let j = 0; j < p[i].length; j++) {
        let gr = o.maximize ? -grads[i][j] : grads[i][j];
        if (o.name === 'adamw') p[i][j] *= 1 - lr(k) * o.weight_decay;
        else gr += o.weight_decay * p[i][j];
        m[i][j] = b1 * m[i][j] + (1 - b1) * gr;
        v[i][j] = b2 * v[i][j] + (1 - b2) * gr * gr;
        vmax[i][j] = Math.max(vmax[i][j], v[i][j]);
        const second = o.amsgrad ? vmax[i][j] : v[i][j];
        const denom = Math.sqrt(second) / Math.sqrt(1 - b2 ** t) + o.eps;
        p[i][j] -= (lr(k) / (1 - b1 ** t)) * (m[i][j] / denom);
      }
    }
    out.params.push(p.map((x) => [...x]));
    out.slots.push(p.map((_, i) => ({ exp_avg: [...m[i]], exp_avg_sq: [...v[i]], ...(o.amsgrad ? { max_exp_avg_sq: [...vmax[i]] } : {}) })));
  }
  return out;
}

const SGD_CASES: Record<string, object> = {
  'plain': { lr: 0.1 },
  'momentum': { lr: 0.05, momentum: 0.9 },
  'momentum with dampening (first step takes the gradient undamped)': { lr: 0.05, momentum: 0.8, dampening: 0.3 },
  'nesterov with weight decay': { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.01 },
  'maximize': { lr: 0.02, momentum: 0.5, maximize: true },
};

describe('SGD as a graph on onnxruntime matches the torch recurrence for 25 steps', () => {
  for (const [label, raw] of Object.entries(SGD_CASES)) {
    it(label, async () => {
      const opts = parseOptimizerOptions({ name: 'sgd', ...raw }) as SgdOptions;
      const lr = lrAt(opts.lr);
      const got = await runOptimizerOnOrt(createOptimizer(opts), PARAMS, { steps: STEPS, lr, grad: GRAD });
      expect(firstMismatch(got, referenceSgd(opts, lr), RTOL)).toBeUndefined();
    });
  }

  it('with global-norm gradient clipping (clip_grad_norm_, 1e-6 in the coefficient)', async () => {
    const opts = parseOptimizerOptions({ name: 'sgd', lr: 0.1, momentum: 0.9 }) as SgdOptions;
    const lr = lrAt(opts.lr);
    const got = await runOptimizerOnOrt(createOptimizer(opts), PARAMS, { steps: STEPS, lr, grad: GRAD, clip: { max_norm: 2.2 } });
    const expected = referenceSgd(opts, lr, 2.2);
    expect(firstMismatch(got, expected, RTOL)).toBeUndefined();
    got.gradNorms.forEach((n, k) => expect(n).toBeCloseTo(expected.gradNorms[k], 12));
    // The test must actually clip: some steps above max_norm, some below.
    expect(expected.gradNorms.some((n) => n > 2.2) && expected.gradNorms.some((n) => n < 2.2)).toBe(true);
  });
});

const ADAM_CASES: Record<string, object> = {
  'adam': { name: 'adam', lr: 0.01 },
  'adam with L2 weight decay and amsgrad': { name: 'adam', lr: 0.01, weight_decay: 0.05, amsgrad: true, betas: [0.8, 0.95] },
  'adam maximize, large eps': { name: 'adam', lr: 0.01, maximize: true, eps: 0.1 },
  'adamw (decoupled weight decay)': { name: 'adamw', lr: 0.01, weight_decay: 0.1 },
  'adamw with amsgrad': { name: 'adamw', lr: 0.02, amsgrad: true },
};

describe('Adam and AdamW as graphs on onnxruntime match the torch recurrence for 25 steps', () => {
  for (const [label, raw] of Object.entries(ADAM_CASES)) {
    it(label, async () => {
      const opts = parseOptimizerOptions(raw) as AdamOptions;
      const lr = lrAt(opts.lr);
      const got = await runOptimizerOnOrt(createOptimizer(opts), PARAMS, { steps: STEPS, lr, grad: GRAD });
      expect(firstMismatch(got, referenceAdam(opts, lr), RTOL)).toBeUndefined();
    });
  }

  it('float32 graphs follow the float64 recurrence to float32 precision', async () => {
    const opts = parseOptimizerOptions({ name: 'adamw', lr: 0.01, amsgrad: true }) as AdamOptions;
    const lr = lrAt(opts.lr);
    const got = await runOptimizerOnOrt(createOptimizer(opts), PARAMS, { steps: STEPS, lr, grad: GRAD, dtype: 'float32' });
    expect(firstMismatch(got, referenceAdam(opts, lr), 1e-5, 1e-6)).toBeUndefined();
  });
});

describe('the sequence tests catch a broken optimizer', () => {
  it('Adam without bias correction diverges from the reference at step 1', async () => {
    const opts = parseOptimizerOptions({ name: 'adam', lr: 0.01 }) as AdamOptions;
    const lr = lrAt(opts.lr);
    const noCorrection = (g: GraphBuilder) => ({ bc1: g.scalar(1, 'float64'), bc2Sqrt: g.scalar(1, 'float64') });
    const broken = await runOptimizerOnOrt(new Adam('adam', opts, noCorrection), PARAMS, { steps: STEPS, lr, grad: GRAD });
    expect(firstMismatch(broken, referenceAdam(opts, lr), RTOL)).toMatch(/^step 1, param 0\[0\]/);
  });
});

describe('optimizer state slots carry torch state_dict names', () => {
  it.each([
    [{ name: 'sgd', lr: 0.1 }, []],
    [{ name: 'sgd', lr: 0.1, momentum: 0.9 }, ['momentum_buffer']],
    [{ name: 'adam' }, ['exp_avg', 'exp_avg_sq']],
    [{ name: 'adamw', amsgrad: true }, ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']],
  ])('%j → %j', (raw, slots) => {
    expect(createOptimizer(raw).slots).toEqual(slots);
  });
});
