import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { tensor, toNumbers } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';

/** y = tanh(x·W1 + b1)·W2 + b2, computed by hand in float64 JS. */
function mlpByHand(x: number[][], w1: number[][], b1: number[], w2: number[][], b2: number[]): number[][] {
  const h = x.map((row) => b1.map((b, j) => Math.tanh(row.reduce((s, v, k) => s + v * w1[k][j], b))));
  return h.map((row) => b2.map((b, j) => row.reduce((s, v, k) => s + v * w2[k][j], b)));
}

const x = [[0.5, -1, 2], [1.5, 0.25, -0.75]];
const w1 = [[0.1, -0.2, 0.3, 0.4], [0.5, 0.6, -0.7, 0.8], [-0.9, 0.15, 0.25, -0.35]];
const b1 = [0.01, -0.02, 0.03, 0.04];
const w2 = [[0.2], [-0.4], [0.6], [0.8]];
const b2 = [0.5];

function buildMlp(dtype: 'float32' | 'float64') {
  const g = new GraphBuilder('mlp');
  const xi = g.input('x', dtype, [2, 3]);
  const W1 = g.input('W1', dtype, [3, 4]);
  const B1 = g.input('b1', dtype, [4]);
  const W2 = g.input('W2', dtype, [4, 1]);
  const B2 = g.input('b2', dtype, [1]);
  const h = g.tanh(g.add(g.matmul(xi, W1), B1));
  g.output(g.add(g.matmul(h, W2), B2), 'y');
  return g.build();
}

const feeds = (dtype: 'float32' | 'float64') => ({
  x: tensor(dtype, [2, 3], x.flat()),
  W1: tensor(dtype, [3, 4], w1.flat()),
  b1: tensor(dtype, [4], b1),
  W2: tensor(dtype, [4, 1], w2.flat()),
  b2: tensor(dtype, [1], b2),
});

describe('runOnOrt', () => {
  it('runs a builder MLP in float32 and matches a hand computation', async () => {
    const out = await runOnOrt(buildMlp('float32'), feeds('float32'));
    expect(out.y.dtype).toBe('float32');
    expect(out.y.shape).toEqual([2, 1]);
    const want = mlpByHand(x, w1, b1, w2, b2).flat();
    toNumbers(out.y).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
  });

  it('runs float64 to float64 precision, with graph optimizations disabled', async () => {
    const out = await runOnOrt(buildMlp('float64'), feeds('float64'), { graphOptimizationLevel: 'disabled' });
    expect(out.y.data).toBeInstanceOf(Float64Array);
    const want = mlpByHand(x, w1, b1, w2, b2).flat();
    toNumbers(out.y).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-14));
  });

  it('carries int64 through BigInt64Array, beyond 2^53', async () => {
    const g = new GraphBuilder('int64');
    const a = g.input('a', 'int64', [2]);
    g.output(g.add(a, g.ints([1, 2])), 'y');
    const out = await runOnOrt(g.build(), { a: tensor('int64', [2], [2n ** 60n, -5n]) });
    expect(out.y.data).toBeInstanceOf(BigInt64Array);
    expect([...(out.y.data as BigInt64Array)]).toEqual([2n ** 60n + 1n, -3n]);
  });

  it('reuses one session per graph object', async () => {
    const graph = buildMlp('float32');
    const [a, b] = await Promise.all([runOnOrt(graph, feeds('float32')), runOnOrt(graph, feeds('float32'))]);
    expect(toNumbers(a.y)).toEqual(toNumbers(b.y));
  });

  it('names the input when a feed has the wrong shape or is missing', async () => {
    const graph = buildMlp('float32');
    await expect(runOnOrt(graph, { ...feeds('float32'), x: tensor('float32', [3, 2]) })).rejects.toThrow(/input "x" is float32\[2, 3\] but the feed is float32\[3, 2\]/);
    const { b2: _omit, ...partial } = feeds('float32');
    await expect(runOnOrt(graph, partial)).rejects.toThrow(/no feed for input "b2"/);
  });
});
