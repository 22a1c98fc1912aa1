import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Value } from '../../src/graph/builder.ts';
import { sizeOf, tensor, type Shape } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';

/**
 * Our static shape inference against what ORT actually produces, for the ops with the most arithmetic in
 * their geometry. A disagreement shows up either as a different output shape or as ORT refusing the
 * value_info we wrote.
 */
async function inferredEqualsOrt(shape: Shape, make: (b: GraphBuilder, x: Value) => Value): Promise<void> {
  const b = new GraphBuilder('prop');
  const x = b.input('x', 'float32', shape);
  const y = b.output(make(b, x), 'y');
  const out = await runOnOrt(b.build(), { x: tensor('float32', shape, new Float32Array(sizeOf(shape)).map((_, i) => i % 7)) });
  expect(out.y.shape).toEqual(y.shape);
}

const RUNS = { numRuns: 25, seed: 17 };

describe('inferred output shapes equal the shapes ORT produces', () => {
  it('Slice with random starts, ends, steps (negative included) and axes', async () => {
    const bound = fc.integer({ min: -12, max: 12 });
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })), bound, bound, fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0), fc.integer({ min: -2, max: 1 }),
        async (dims, start, end, step, axis) => inferredEqualsOrt(dims, (b, x) => b.slice(x, [start], [end], [axis], [step]))),
      RUNS,
    );
  });

  it('Conv with random strides, pads, dilations and auto_pad', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 5, max: 9 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom('NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'),
        async (n, k, stride, dilation0, pad, autoPad) => {
          // ORT refuses dilations with SAME auto_pad, and so does our inference (tested in op-inference).
          const dilation = autoPad.startsWith('SAME') ? 1 : dilation0;
          const pads = autoPad === 'NOTSET' ? { pads: [pad, 0, pad + 1, 1] } : {};
          await inferredEqualsOrt([1, 2, n, n + 1], (b, x) => b.conv(x, b.constant(tensor('float32', [3, 2, k, 2], new Float32Array(12 * k).fill(0.5))), null, { strides: [stride, 1], dilations: [dilation, 1], auto_pad: autoPad, ...pads }));
        }),
      RUNS,
    );
  });

  it('ConvTranspose with random strides, pads and output_padding', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1 }), fc.nat(2),
        async (n, k, stride, pad, extra) => {
          const outPad = Math.min(extra, stride - 1);
          await inferredEqualsOrt([1, 2, n], (b, x) => b.convTranspose(x, b.constant(tensor('float32', [2, 3, k], new Float32Array(6 * k).fill(0.25))), null, { strides: [stride], pads: [pad, 0], output_padding: [outPad] }));
        }),
      RUNS,
    );
  });

  it('MaxPool and AveragePool with random kernels, strides, pads and ceil_mode', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 4, max: 9 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), fc.boolean(),
        async (n, k, stride, pad, ceil, max) => {
          const attrs = { kernel_shape: [k + pad], strides: [stride], pads: [pad, pad], ceil_mode: ceil };
          await inferredEqualsOrt([1, 1, n], (b, x) => (max ? b.maxPool(x, attrs) : b.averagePool(x, attrs)));
        }),
      RUNS,
    );
  });

  it('a ceil_mode pool whose last window would start in the end padding: ORT drops it (2, not 3), and a graph that multiplies the output by a tensor of that shape loads', async () => {
    // 4 + 1 + 1 − 2 = 4 over stride 3: ceil gives 3 windows, the third would start at 6 − 1 = 5 ≥ 4. ORT's kernel
    // drops it; opset 17's shape inference (run by ORT at load) does not, which failed the Mul at load time.
    for (const pool of ['MaxPool', 'AveragePool']) {
      await inferredEqualsOrt([1, 2, 4, 5], (b, x) => {
        const y = b.op(pool, [x], { kernel_shape: [2, 2], strides: [3, 3], pads: [1, 1, 1, 1], ceil_mode: 1 }, { outputs: 1 })[0];
        expect(y.shape).toEqual([1, 2, 2, 2]);
        return b.mul(y, b.constant(tensor('float32', [1, 2, 2, 2], new Float32Array(8).fill(2))));
      });
    }
  });

  it('Resize of 10 by scale 0.7 gives 7, as ORT\'s float32 product rounds (not 6 = floor of 6.99999988)', async () => {
    await inferredEqualsOrt([1, 1, 10, 10], (b, x) => {
      const y = b.resize(x, { scales: [1, 1, 0.7, 1] });
      expect(y.shape).toEqual([1, 1, 7, 10]);
      return y;
    });
  });

  it('Resize by random scales, Pad with random (also negative) pads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 3, max: 10 }), fc.constantFrom(0.5, 0.7, 0.75, 1.5, 2, 2.5), fc.integer({ min: -1, max: 3 }), fc.integer({ min: 0, max: 3 }),
        async (n, scale, p0, p1) => {
          // 0.7 × 10 rounds up to 7 in float32 arithmetic, as ORT computes it.
          await inferredEqualsOrt([1, 1, n, n], (b, x) => b.resize(x, { scales: [1, 1, scale, 1 / scale] }, { mode: 'linear' }));
          await inferredEqualsOrt([n, n], (b, x) => b.pad(x, [p0, p1, p1, p0]));
        }),
      RUNS,
    );
  });
});
