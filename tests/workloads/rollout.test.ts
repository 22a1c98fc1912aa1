// The rollout loss wiring (src/train/losses/rollout/): the rollout_mse term through the training program equals the
// autoregressive chain computed by hand, and the forward graph of a rollout-trained model is one step from
// frame 0 of each window. Runs the real graphs on ONNX Runtime.
import { describe, expect, it } from 'vitest';
import type { GraphBuilder, Value } from '../../src/graph/builder.ts';
import { tensor, type Tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { param } from '../../src/plugins/models/layers/param.ts';
import type { Model } from '../../src/contracts/model.ts';
import type { ParameterSet } from '../../src/contracts/parameters.ts';
import { lossBuilder } from '../../src/train/losses/loss-builder.ts';
import { createOptimizer } from '../../src/train/optimizers/create-optimizer.ts';
import { buildTrainingProgram } from '../../src/train/program.ts';
import { modelForLoss } from '../../src/train/losses/rollout/rollout-model.ts';
import { rolloutTermSchema } from '../../src/train/losses/rollout/rollout-term.ts';

/** next = a·state + b, with two scalar parameters: simple enough to unroll by hand. */
class AffineStep implements Model {
  forward(g: GraphBuilder, inputs: Readonly<Record<string, Value>>, params: ParameterSet): Record<string, Value> {
    const a = param(params, 'a', [], { kind: 'uniform', bound: 1 });
    const b = param(params, 'b', [], { kind: 'uniform', bound: 0.5 });
    return { u_pred: g.add(g.mul(inputs.u, a), b) };
  }
  effectiveSettings() {
    return {};
  }
}

const [B, T, X] = [3, 5, 4];
const window = tensor('float32', [B, T, X, 1], Array.from({ length: B * T * X }, (_, i) => Math.sin(0.37 * i) + 0.1 * (i % 7)));
const at = (b: number, t: number, x: number) => window.data[(b * T + t) * X + x] as number;

function program(horizon: number) {
  const loss = { rollout: rolloutTermSchema.parse({ kind: 'rollout_mse', horizon }) };
  return buildTrainingProgram(
    {
      name: 'rollout-test',
      model: modelForLoss(new AffineStep(), loss),
      seed: 3,
      dtype: 'float32',
      inputs: { velocity: { dtype: 'float32', shape: [T, X, 1], perSample: true } },
      loss: lossBuilder(loss),
      optimizer: createOptimizer({ name: 'sgd', lr: 0.1 }),
    },
    B,
  );
}

function feeds(p: ReturnType<typeof program>): Record<string, Tensor> {
  return { ...Object.fromEntries(p.initialState()), velocity: window };
}

describe('rollout_mse', () => {
  it('is the mean over the horizon of the MSE of the model fed its own predictions', async () => {
    const horizon = 3;
    const p = program(horizon);
    const state = p.initialState();
    const [a, b] = [Number(state.get('a')!.data[0]), Number(state.get('b')!.data[0])];
    const out = await runOnOrt(p.graphs.loss, feeds(p));
    let expected = 0;
    for (let k = 1; k <= horizon; k++) {
      let se = 0;
      for (let s = 0; s < B; s++) {
        for (let x = 0; x < X; x++) {
          let u = at(s, 0, x);
          for (let j = 0; j < k; j++) u = a * u + b; // k steps from frame 0, each on the previous prediction
          se += (u - at(s, k, x)) ** 2;
        }
      }
      expected += se / (B * X);
    }
    expected /= horizon;
    expect(Number(out['loss:rollout'].data[0])).toBeCloseTo(expected, 5);
    // The horizon matters: a 1-step loss is a different number (no silent truncation to one step).
    const one = await runOnOrt(program(1).graphs.loss, feeds(program(1)));
    expect(Math.abs(Number(one['loss:rollout'].data[0]) - expected)).toBeGreaterThan(1e-4);
  });

  it('gives the forward graph one step from frame 0 of each window', async () => {
    const p = program(2);
    const state = p.initialState();
    const [a, b] = [Number(state.get('a')!.data[0]), Number(state.get('b')!.data[0])];
    const out = await runOnOrt(p.graphs.forward, feeds(p));
    expect(out.u_pred.shape).toEqual([B, X, 1]);
    for (let s = 0; s < B; s++) for (let x = 0; x < X; x++) expect(Number(out.u_pred.data[s * X + x])).toBeCloseTo(a * at(s, 0, x) + b, 5);
  });

  it('refuses a horizon longer than the window, naming both', () => {
    expect(() => program(T)).toThrow(/train\.loss\.rollout\.horizon is 5 but each window of "velocity" holds 5 frames, so at most 4 rollout steps/);
  });
});
