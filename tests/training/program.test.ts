import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { fromOnnx } from '../../src/graph/onnx/from-onnx.ts';
import { toOnnx } from '../../src/graph/onnx/to-onnx.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import type { LossBuilder } from '../../src/train/loss-scope.ts';
import { buildTrainingProgram, type TrainingProgram } from '../../src/train/program.ts';
import { smallSpec } from './helpers.ts';

// specs/backend.md "Graph names": the names below are a contract that parity, checkpoints and the torch reference rely on.

const names = (vs: readonly { name: string }[]) => vs.map((v) => v.name);
const PARAMS = ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight', 'layers.2.bias'];

describe('TrainingProgram graphs and names', () => {
  it('cuts forward, loss, gradients and step graphs with the documented inputs and outputs', async () => {
    const p = buildTrainingProgram(await smallSpec({ terms: { fit: { kind: 'mse', output: 'y', target: 'u', weight: 2 }, l1: { kind: 'l1', output: 'y', target: 'u', weight: 0.5 } } }), 16);
    expect(names(p.params)).toEqual(PARAMS);
    expect(names(p.graphs.forward.inputs)).toEqual(['x', ...PARAMS]); // no target: forward does not need it
    expect(names(p.graphs.forward.outputs)).toEqual(['y']);
    expect(p.graphs.forward.outputs[0].shape).toEqual([16, 1]);
    expect(names(p.graphs.loss.outputs)).toEqual(['loss', 'loss:fit', 'loss:l1']);
    expect(names(p.graphs.gradients.outputs)).toEqual(['loss', 'loss:fit', 'loss:l1', ...PARAMS.map((n) => `grad:${n}`)]);
    const slots = PARAMS.flatMap((n) => [`${n}/exp_avg`, `${n}/exp_avg_sq`]);
    expect(p.stateNames).toEqual([...PARAMS, ...slots]);
    expect(names(p.graphs.step.inputs).sort()).toEqual(['x', 'u', 'lr', 'step', ...PARAMS, ...slots].sort());
    expect(names(p.graphs.step.outputs)).toEqual([...PARAMS, ...slots].map((n) => `${n}/next`).concat(['loss', 'loss:fit', 'loss:l1']));
    for (const o of p.graphs.step.outputs.slice(0, PARAMS.length)) expect(o.shape).toEqual(p.graphs.step.value(o.name.replace('/next', '')).shape);
  });

  it('reports each term unweighted and the loss as their weighted sum', async () => {
    const p = buildTrainingProgram(await smallSpec({ terms: { fit: { kind: 'mse', output: 'y', target: 'u', weight: 2 }, l1: { kind: 'l1', output: 'y', target: 'u', weight: 0.5 } } }), 4);
    const feeds = { ...Object.fromEntries([...p.initialState()].filter(([k]) => !k.includes('/'))), x: tensor('float32', [4, 2], [0, 1, 2, 3, 4, 5, 6, 7]), u: tensor('float32', [4, 1], [1, -1, 2, 0]) };
    const fwd = await runOnOrt(p.graphs.forward, Object.fromEntries(Object.entries(feeds).filter(([k]) => k !== 'u')));
    const y = Array.from(fwd.y.data as Float32Array);
    const u = [1, -1, 2, 0];
    const mse = y.reduce((s, v, i) => s + (v - u[i]) ** 2, 0) / 4;
    const l1 = y.reduce((s, v, i) => s + Math.abs(v - u[i]), 0) / 4;
    const out = await runOnOrt(p.graphs.loss, feeds);
    expect((out['loss:fit'].data as Float32Array)[0]).toBeCloseTo(mse, 5);
    expect((out['loss:l1'].data as Float32Array)[0]).toBeCloseTo(l1, 5);
    expect((out.loss.data as Float32Array)[0]).toBeCloseTo(2 * mse + 0.5 * l1, 4);
  });

  it('adds grad_norm to the step graph when clipping', async () => {
    const p = buildTrainingProgram(await smallSpec({ clip: { max_norm: 1 } }), 4);
    expect(names(p.graphs.step.outputs).at(-1)).toBe('grad_norm');
  });

  it('serializes every graph to ONNX that reads back with the same inputs and outputs', async () => {
    const p = buildTrainingProgram(await smallSpec(), 4);
    for (const g of Object.values(p.graphs)) {
      const back = fromOnnx(toOnnx(g));
      expect(names(back.inputs)).toEqual(names(g.inputs));
      expect(names(back.outputs)).toEqual(names(g.outputs));
    }
  });

  it('lets a loss take input derivatives (PINN): d/dx of y = x·w matches the forward weights', async () => {
    // The loss is mean((∂y/∂x₀)²): for a linear model (no hidden layer) ∂y/∂x₀ = W₀₀ for every sample.
    const spec = await smallSpec({ hidden: [3], loss: (s) => {
      const [dx] = s.derivative(s.outputs.y, [s.inputs.x]);
      const g = s.g; // after derivative() the scope continues in a new builder
      const d0 = g.op1('Slice', [dx, g.ints([0]), g.ints([1]), g.ints([1])]);
      return { pde: { value: g.op1('ReduceMean', [g.mul(d0, d0)], { keepdims: 0 }), weight: 1 } };
    } });
    const p = buildTrainingProgram(spec, 5);
    // The output bias does not change ∂y/∂x, so the loss graph does not even take it as an input.
    expect(names(p.graphs.loss.inputs)).toEqual(['x', ...PARAMS.slice(0, 3)]);
    const state = p.initialState();
    const feeds = { x: tensor('float32', [5, 2], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]), ...Object.fromEntries(PARAMS.slice(0, 3).map((n) => [n, state.get(n)!])) };
    const got = (await runOnOrt(p.graphs.loss, feeds)).loss.data as Float32Array;
    // Reference: central finite differences of the forward graph in float64 arithmetic on the host.
    const W0 = state.get('layers.0.weight')!.data as Float32Array, b0 = state.get('layers.0.bias')!.data as Float32Array;
    const W1 = state.get('layers.1.weight')!.data as Float32Array;
    const f = (x0: number, x1: number) => [0, 1, 2].reduce((s, j) => s + Math.tanh(x0 * W0[j] + x1 * W0[3 + j] + b0[j]) * W1[j], 0);
    const xs = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
    let want = 0;
    for (let i = 0; i < 5; i++) want += ((f(xs[2 * i] + 1e-6, xs[2 * i + 1]) - f(xs[2 * i] - 1e-6, xs[2 * i + 1])) / 2e-6) ** 2 / 5;
    expect(got[0]).toBeCloseTo(want, 4);
  });

  it('builds the input derivatives of a loss with the gradient rules of the program (ProgramSpec.rules), as its parameter gradients', async () => {
    const loss: LossBuilder = (s) => {
      const [dx] = s.derivative(s.outputs.y, [s.inputs.x]);
      const g = s.g;
      return { pde: { value: g.op1('ReduceMean', [g.mul(dx, dx)], { keepdims: 0 }), weight: 1 } };
    };
    // A deliberately wrong tanh rule (1 − y instead of 1 − y²): the loss value must change with it.
    const wrongTanh = defaultRules.with({ op: 'Tanh', grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), y))] });
    const good = buildTrainingProgram(await smallSpec({ hidden: [3], loss }), 5);
    const bad = buildTrainingProgram(await smallSpec({ hidden: [3], loss, rules: wrongTanh }), 5);
    const state = good.initialState();
    const x = tensor('float32', [5, 2], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    const lossOf = async (p: TrainingProgram) => {
      const feeds = Object.fromEntries(p.graphs.loss.inputs.map((v) => [v.name, v.name === 'x' ? x : state.get(v.name)!]));
      return ((await runOnOrt(p.graphs.loss, feeds)).loss.data as Float32Array)[0];
    };
    const [right, wrong] = [await lossOf(good), await lossOf(bad)];
    expect(Math.abs(right - wrong)).toBeGreaterThan(1e-3 * Math.abs(right));
  });
});

describe('TrainingProgram errors', () => {
  it('a loss term naming an output the model does not produce says which and lists the outputs', async () => {
    const spec = await smallSpec({ terms: { data: { kind: 'mse', output: 'u_pred', target: 'u', weight: 1 } } });
    expect(() => buildTrainingProgram(spec, 4)).toThrow('train.loss.data.output names "u_pred", which the model does not produce; its outputs are: y');
  });

  it('a loss target that is not a data key lists the data keys', async () => {
    const spec = await smallSpec({ terms: { data: { kind: 'mse', output: 'y', target: 'v', weight: 1 } } });
    expect(() => buildTrainingProgram(spec, 4)).toThrow('train.loss.data.target names "v", which is not a data key; the data provides: x, u');
  });

  it('a model output named like a data key is refused', async () => {
    const spec = await smallSpec({ inputs: { x: { dtype: 'float32', shape: [2], perSample: true }, y: { dtype: 'float32', shape: [1], perSample: true } } });
    expect(() => buildTrainingProgram(spec, 4)).toThrow('the model output "y" has the same name as the data key "y"');
  });

  it('a non-scalar loss term is refused with its shape', async () => {
    const spec = await smallSpec({ loss: (s) => ({ bad: { value: s.g.sub(s.outputs.y, s.inputs.u), weight: 1 } }) });
    expect(() => buildTrainingProgram(spec, 4)).toThrow('loss term "bad" is float32[4, 1]; a loss term must be a float32 scalar');
  });
});
