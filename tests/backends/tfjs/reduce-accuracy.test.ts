import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../../src/graph/ops/index.ts';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import { execute } from '../../../src/plugins/backends/tfjs/interpreter.ts';
import { CASCADE_ABOVE } from '../../../src/plugins/backends/tfjs/kernels/reduce.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';

/** Positive values (squared errors, what a loss averages): the case where a sequential float32 sum drifts most. */
function squares(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32 - 0.5;
    out[i] = u * u * 4;
  }
  return out;
}

function reduce(op: 'ReduceSum' | 'ReduceMean', x: Tensor, axes: number[] | undefined, keepdims: 0 | 1): Tensor {
  const b = new GraphBuilder('reduce');
  const v = b.input('x', 'float32', x.shape);
  const inputs = [v];
  if (op === 'ReduceSum' && axes) inputs.push(b.ints(axes));
  const attrs: Record<string, number | number[]> = op === 'ReduceMean' && axes ? { axes, keepdims } : { keepdims };
  b.output(b.op1(op, inputs, attrs), 'y');
  return execute(b.build(), { x }).y;
}

/** float64 sums of the float32 values over the last `inner` values of each row: the exact answer to compare with. */
function exactRowSums(data: Float32Array, inner: number): number[] {
  const out: number[] = [];
  for (let r = 0; r * inner < data.length; r++) {
    let s = 0;
    for (let i = r * inner; i < (r + 1) * inner; i++) s += data[i];
    out.push(s);
  }
  return out;
}

const maxRel = (got: ArrayLike<number>, want: readonly number[]) => Math.max(...want.map((w, i) => Math.abs(got[i] - w) / Math.abs(w)));

describe('tfjs (wasm) ReduceSum and ReduceMean over long float32 reductions match float64', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  it('a mean over 4.1M values (a 1000-sample 64² split) and a sum over 65k values (one batch) are within 3e-7 relative', () => {
    // Summed sequentially in float32 (tfjs's own wasm kernel), these are off by ~3e-3 and ~2e-5.
    const big = squares(1000 * 64 * 64, 1);
    const mean = reduce('ReduceMean', tensor('float32', [1000, 64, 64], big), undefined, 0);
    expect(mean.shape).toEqual([]);
    expect(maxRel(mean.data as Float32Array, [exactRowSums(big, big.length)[0] / big.length])).toBeLessThan(3e-7);
    const batch = squares(16 * 64 * 64, 2);
    const sum = reduce('ReduceSum', tensor('float32', [16, 64, 64], batch), undefined, 0);
    expect(maxRel(sum.data as Float32Array, exactRowSums(batch, batch.length))).toBeLessThan(3e-7);
  });

  it('reducing leading axes with keepdims (a transpose, a length that is no multiple of the block) keeps shape and accuracy', () => {
    // x[a, b, c] reduced over a and b for each c: 301 × 397 = 119,497 values per output, 3 outputs.
    const [A, B, C] = [301, 397, 3];
    const data = squares(A * B * C, 3);
    const want = [0, 1, 2].map((c) => {
      let s = 0;
      for (let i = c; i < data.length; i += C) s += data[i];
      return s;
    });
    const sum = reduce('ReduceSum', tensor('float32', [A, B, C], data), [0, 1], 1);
    expect(sum.shape).toEqual([1, 1, C]);
    expect(maxRel(sum.data as Float32Array, want)).toBeLessThan(3e-7);
    const mean = reduce('ReduceMean', tensor('float32', [A, B, C], data), [-3, -2], 0);
    expect(mean.shape).toEqual([C]);
    expect(maxRel(mean.data as Float32Array, want.map((w) => w / (A * B)))).toBeLessThan(3e-7);
  });

  it(`reductions of at most ${CASCADE_ABOVE} values are tfjs's own, bit for bit`, () => {
    const data = squares(8 * CASCADE_ABOVE, 4);
    const x = tensor('float32', [8, CASCADE_ABOVE], data);
    const t = tf.tensor(data, [8, CASCADE_ABOVE]);
    expect(Array.from(reduce('ReduceSum', x, [1], 0).data as Float32Array)).toEqual(Array.from(tf.sum(t, 1).dataSync()));
    expect(Array.from(reduce('ReduceMean', x, [1], 1).data as Float32Array)).toEqual(Array.from(tf.mean(t, 1).dataSync()));
    t.dispose();
  });
});
