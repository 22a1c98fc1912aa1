import { afterAll, describe, expect, it } from 'vitest';
import { defaultRules, grad, type GradRule } from '../../../src/autodiff/index.ts';
import { mismatch } from '../../../src/conformance/compare.ts';
import { Rng } from '../../../src/data/rng.ts';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import { runOnOrt } from '../../../src/plugins/backends/onnxruntime/ort-run.ts';
import { cutDerivatives } from '../../../src/contracts/derivative-terms.ts';
import { openReference } from './torch-available.ts';

const { ref, skip } = await openReference('autograd-vs-autodiff');
afterAll(() => ref.dispose());

const rng = new Rng(20260101);
const rand = (shape: number[], scale = 1): Tensor => tensor('float64', shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * (2 * rng.uniform() - 1)));
const TOL = { rtol: 1e-10, atol: 1e-12 };
const wrongTanh: GradRule = { op: 'Tanh', grad: ({ b, g, y: [y], scalar }) => [b.mul(g, b.sub(scalar(1), y))] };

/** u = tanh(tanh(x·W0 + b0)·W1 + b1)·W2: a PINN-style trunk with 2-D input points. */
function tanhMlp(b: GraphBuilder, n: number) {
  const x = b.input('x', 'float64', [n, 2]);
  const p = { W0: b.input('W0', 'float64', [2, 6]), b0: b.input('b0', 'float64', [6]), W1: b.input('W1', 'float64', [6, 5]), b1: b.input('b1', 'float64', [5]), W2: b.input('W2', 'float64', [5, 1]) };
  const h = b.tanh(b.add(b.matmul(b.tanh(b.add(b.matmul(x, p.W0), p.b0)), p.W1), p.b1));
  return { x, u: b.matmul(h, p.W2) };
}
const params = { W0: rand([2, 6]), b0: rand([6], 0.5), W1: rand([6, 5]), b1: rand([5], 0.5), W2: rand([5, 1]) };
const PARAMS = Object.keys(params);

describe.skipIf(!!skip)('torch.autograd vs tandem autodiff (run on onnxruntime), float64', () => {
  it('MLP mse loss: gradients w.r.t. every parameter', async () => {
    const b = new GraphBuilder('mlp-loss');
    const { u } = tanhMlp(b, 8);
    const y = b.input('y', 'float64', [8, 1]);
    const d = b.sub(u, y);
    b.output(b.reduceMean(b.mul(d, d), undefined, false), 'loss');
    const lossGraph = b.build();
    const feeds = { ...params, x: rand([8, 2]), y: rand([8, 1]) };
    const ours = await runOnOrt(grad(lossGraph, { of: 'loss', wrt: PARAMS }), feeds);
    const torch = await ref.gradients(lossGraph, feeds, 'loss', PARAMS);
    for (const p of PARAMS) expect(mismatch(torch.gradients.get(p)!, ours[`grad:${p}`], TOL), p).toBeUndefined();
  });

  it('tanh MLP Laplacian: u_xx + u_yy by autograd (create_graph) vs our second-order graph, and its parameter gradients', async () => {
    const n = 10;
    const b = new GraphBuilder('laplacian');
    const { u } = tanhMlp(b, n);
    b.output(u, 'u');
    // Ours: first derivatives, then each diagonal second derivative picked with a one-hot seed.
    const col = (k: number) => tensor('float64', [n, 2], Array.from({ length: 2 * n }, (_, i) => (i % 2 === k ? 1 : 0)));
    let g = grad(b.build(), { of: 'u', wrt: ['x'], names: ['u_x'] });
    g = grad(g, { of: 'u_x', wrt: ['x'], seed: col(0), names: ['d2x'] });
    g = grad(g, { of: 'u_x', wrt: ['x'], seed: col(1), names: ['d2y'] });
    const lb = GraphBuilder.extend(g);
    for (const v of ['u_x', 'd2x', 'd2y']) lb.output(lb.value(v));
    const lap = lb.add(lb.op1('ReduceSum', [lb.mul(lb.value('d2x'), lb.constant(col(0)))], { keepdims: 0 }), lb.op1('ReduceSum', [lb.mul(lb.value('d2y'), lb.constant(col(1)))], { keepdims: 0 }));
    lb.output(lap, 'lap_sum');
    lb.output(lb.reduceMean(lb.mul(lb.value('d2x'), lb.value('d2y')), undefined, false), 'residual');
    const withLap = lb.build();
    const feeds = { ...params, x: rand([n, 2]) };
    const terms = [
      { name: 'u_x', of: 'u', wrt: 'x' },
      { name: 'd2x', of: 'u_x', wrt: 'x', seed: col(0) },
      { name: 'd2y', of: 'u_x', wrt: 'x', seed: col(1) },
    ];
    // torch sees only the forward nodes: our derivative nodes are cut out and recomputed by autograd.
    const cut = cutDerivatives(withLap, terms);
    expect(cut.nodes.length).toBeLessThan(withLap.nodes.length / 3);
    expect(cut.nodes.every((node) => !node.origin)).toBe(true);

    const ours = await runOnOrt(grad(withLap, { of: 'residual', wrt: PARAMS }), feeds);
    const torchValues = await ref.executeGraph(cut, feeds, { derivatives: terms, fetch: ['u_x', 'd2x', 'd2y', 'lap_sum', 'residual'] });
    for (const v of ['u_x', 'd2x', 'd2y', 'lap_sum', 'residual']) expect(mismatch(torchValues.get(v)!, ours[v], TOL), v).toBeUndefined();
    // Third order through the parameters: d residual / d W, where residual holds second input derivatives.
    const torchGrads = await ref.gradients(cut, feeds, 'residual', PARAMS, { derivatives: terms });
    for (const p of PARAMS) expect(mismatch(torchGrads.gradients.get(p)!, ours[`grad:${p}`], TOL), p).toBeUndefined();
  });

  it('catches a wrong autodiff rule: tanh with 1 − y instead of 1 − y² makes the Laplacians disagree', async () => {
    const n = 6;
    const laplacian = (rules = defaultRules) => {
      const b = new GraphBuilder('laplacian-wrong-rule');
      const { u } = tanhMlp(b, n);
      b.output(u, 'u');
      const g = grad(grad(b.build(), { of: 'u', wrt: ['x'], names: ['u_x'] }, rules), { of: 'u_x', wrt: ['x'], names: ['lap'] }, rules);
      const lb = GraphBuilder.extend(g);
      lb.output(lb.value('lap'));
      return lb.build();
    };
    const feeds = { ...params, x: rand([n, 2]) };
    const terms = [{ name: 'u_x', of: 'u', wrt: 'x' }, { name: 'lap', of: 'u_x', wrt: 'x' }];
    const torch = (await ref.executeGraph(cutDerivatives(laplacian(), terms), feeds, { derivatives: terms })).get('lap')!;
    const right = (await runOnOrt(laplacian(), feeds)).lap;
    const wrong = (await runOnOrt(laplacian(defaultRules.with(wrongTanh)), feeds)).lap;
    expect(mismatch(torch, right, TOL)).toBeUndefined();
    expect(mismatch(torch, wrong, { rtol: 1e-3, atol: 1e-6 })).toMatch(/values differ/);
  });
});
