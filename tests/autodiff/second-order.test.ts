import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autodiff/vjp.ts';
import { GraphBuilder, type Value } from '../../src/graph/builder.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';

// Second derivatives come from applying `grad` to a graph that already holds a gradient: the first pass's
// nodes are ordinary forward ops, so the second pass differentiates them like any other.

const xs = [-1.3, -0.7, -0.2, 0, 0.4, 0.9, 1.5];

async function secondDerivative(f: (b: GraphBuilder, x: Value) => Value): Promise<number[]> {
  const b = new GraphBuilder('f');
  const x = b.input('x', 'float64', [xs.length]);
  b.output(f(b, x), 'y');
  const d1 = grad(b.build(), { of: 'y', wrt: ['x'] });
  const d2 = grad(d1, { of: 'grad:x', wrt: ['x'] });
  expect(d2.outputs.map((o) => o.name)).toEqual(['y', 'grad:x', 'grad:grad:x:x']);
  const out = await runOnOrt(d2, { x: tensor('float64', [xs.length], xs) });
  return Array.from(out['grad:grad:x:x'].data as Float64Array);
}

describe('second derivatives vs analytic (float64, ORT)', () => {
  it('d²/dx² tanh(x²) = 2(1−t²) − 8x²t(1−t²), t = tanh(x²)', async () => {
    const got = await secondDerivative((b, x) => b.tanh(b.mul(x, x)));
    xs.forEach((x, i) => {
      const t = Math.tanh(x * x);
      expect(got[i]).toBeCloseTo(2 * (1 - t * t) - 8 * x * x * t * (1 - t * t), 12);
    });
  });

  it('d²/dx² sin(x)·exp(−x) = −2·cos(x)·exp(−x)', async () => {
    const got = await secondDerivative((b, x) => b.mul(b.sin(x), b.exp(b.neg(x))));
    xs.forEach((x, i) => expect(got[i]).toBeCloseTo(-2 * Math.cos(x) * Math.exp(-x), 12));
  });

  it('third derivative of x⁴ by applying the transform three times', async () => {
    const b = new GraphBuilder('f');
    const x = b.input('x', 'float64', [xs.length]);
    b.output(b.pow(x, b.scalar(4, 'float64')), 'y');
    let g = grad(b.build(), { of: 'y', wrt: ['x'], names: ['d1'] });
    g = grad(g, { of: 'd1', wrt: ['x'], names: ['d2'] });
    g = grad(g, { of: 'd2', wrt: ['x'], names: ['d3'] });
    const out = await runOnOrt(g, { x: tensor('float64', [xs.length], xs) });
    xs.forEach((v, i) => expect((out.d3.data as Float64Array)[i]).toBeCloseTo(24 * v, 10));
  });
});
