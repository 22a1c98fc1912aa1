import { beforeAll, describe, expect, it } from 'vitest';
import { grad } from '../../src/autodiff/vjp.ts';
import { mismatch } from '../../src/conformance/compare.ts';
import { Rng } from '../../src/data/rng.ts';
import { GraphBuilder, type Value } from '../../src/graph/builder.ts';
import type { Graph } from '../../src/graph/ir.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { execute } from '../../src/plugins/backends/tfjs/interpreter.ts';
import { activateTfjs } from '../../src/plugins/backends/tfjs/runtime.ts';
import { randomTensor } from './fd-helpers.ts';

// Regression: the MaxPool rule once emitted nodes per window offset, so a global max pool over 32² (a
// MaxPool with a 32×32 kernel) built a 16,561-node step graph whose step did not finish in 200 s. Every
// pooling gradient must have a node count independent of the window's size, and such a step must be quick.

// Each pool with the most backward nodes its rule may emit: a number set by the rank, whatever the window,
// stride or overlap (the old MaxPool rule emitted 8,192 nodes for the 32×32 kernel).
const POOLS: Record<string, [(b: GraphBuilder, h: Value) => Value, number]> = {
  'MaxPool with a 32×32 kernel (a global max pool)': [(b, h) => b.maxPool(h, { kernel_shape: [32, 32] }), 30],
  'MaxPool 2×2 stride 2': [(b, h) => b.maxPool(h, { kernel_shape: [2, 2], strides: [2, 2] }), 30],
  'MaxPool 3×3 stride 2 pads 1 (overlapping)': [(b, h) => b.maxPool(h, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }), 30],
  'MaxPool 5×5 stride 1 pads 2 (as in SPP blocks, 25 window offsets)': [(b, h) => b.maxPool(h, { kernel_shape: [5, 5], pads: [2, 2, 2, 2] }), 30],
  'AveragePool with a 32×32 kernel': [(b, h) => b.averagePool(h, { kernel_shape: [32, 32] }), 8],
  GlobalMaxPool: [(b, h) => b.op1('GlobalMaxPool', [h]), 8],
  GlobalAveragePool: [(b, h) => b.op1('GlobalAveragePool', [h]), 8],
};

/** Conv → Relu → pool → sum: the gradient w.r.t. the conv weight runs through the pool. */
function model(pool: (b: GraphBuilder, h: Value) => Value): { graph: Graph; poolNode: string } {
  const b = new GraphBuilder('pool-scale');
  const x = b.input('x', 'float32', [4, 3, 32, 32]);
  const w = b.input('w', 'float32', [4, 3, 3, 3]);
  const p = pool(b, b.relu(b.conv(x, w, null, { pads: [1, 1, 1, 1] })));
  b.output(b.reduceSum(b.mul(p, p), undefined, false), 'loss');
  return { graph: b.build(), poolNode: p.name };
}

describe('pooling gradients do not grow with the window', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  for (const [name, [pool, most]] of Object.entries(POOLS)) {
    it(`${name}: at most ${most} backward nodes; the gradient runs at once, and tfjs agrees with onnxruntime`, async () => {
      const { graph, poolNode } = model(pool);
      const g = grad(graph, { of: 'loss', wrt: ['w'] });
      const fromPool = g.nodes.filter((n) => n.origin === poolNode).length;
      expect(fromPool, `backward nodes of ${poolNode}`).toBeLessThanOrEqual(most);
      expect(g.nodes.length).toBeLessThan(100);
      const rng = new Rng(1);
      const feeds = { x: randomTensor('float32', [4, 3, 32, 32], rng), w: randomTensor('float32', [4, 3, 3, 3], rng) };
      const started = performance.now();
      const out = await runOnOrt(g, feeds);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(Array.from(out['grad:w'].data as Float32Array).some((v) => v !== 0)).toBe(true);
      expect(mismatch(execute(g, feeds)['grad:w'], out['grad:w'], { rtol: 1e-4, atol: 1e-4 })).toBeUndefined();
    });
  }

  it('a 3-D MaxPool gradient (rank 11 inside) agrees between tfjs and onnxruntime', async () => {
    const b = new GraphBuilder('pool-3d');
    const x = b.input('x', 'float32', [2, 3, 5, 6, 5]);
    const p = b.maxPool(x, { kernel_shape: [3, 3, 3], strides: [2, 1, 2], pads: [1, 1, 1, 1, 1, 1] });
    b.output(b.reduceSum(b.mul(p, b.sin(p)), undefined, false), 'loss');
    const g = grad(b.build(), { of: 'loss', wrt: ['x'] });
    const feeds = { x: randomTensor('float32', [2, 3, 5, 6, 5], new Rng(2)) };
    expect(mismatch(execute(g, feeds)['grad:x'], (await runOnOrt(g, feeds))['grad:x'], { rtol: 1e-5, atol: 1e-6 })).toBeUndefined();
  });
});
