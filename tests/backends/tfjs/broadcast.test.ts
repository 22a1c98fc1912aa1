import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { broadcastTo } from '../../../src/plugins/backends/tfjs/kernels/broadcast.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';

// The kernels' broadcast (ones·t through the native multiply) must give exactly tf.broadcastTo's values, the
// special floats included, for every dtype it takes.
describe('tfjs kernels broadcastTo', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  it('keeps −0, ±∞ and NaN and broadcasts float32 like tf.broadcastTo', () => {
    const t = tf.tensor([-0, Infinity, -Infinity, NaN, 1.5e-45, 3], [1, 6]);
    const y = broadcastTo(t, [4, 2, 6]);
    const want = tf.broadcastTo(t, [4, 2, 6]);
    expect(y.shape).toEqual([4, 2, 6]);
    expect(Array.from(y.dataSync()).map((v) => Object.is(v, -0) ? '-0' : String(v))).toEqual(Array.from(want.dataSync()).map((v) => Object.is(v, -0) ? '-0' : String(v)));
  });

  it('broadcasts int32 and bool, returns a tensor of the shape unchanged, and keeps rank 7', () => {
    expect(Array.from(broadcastTo(tf.tensor([7, -2], [2], 'int32'), [3, 2]).dataSync())).toEqual([7, -2, 7, -2, 7, -2]);
    const b = broadcastTo(tf.tensor([1, 0], [2, 1], 'bool'), [2, 3]);
    expect(b.dtype).toBe('bool');
    expect(Array.from(b.dataSync())).toEqual([1, 1, 1, 0, 0, 0]);
    const same = tf.zeros([2, 3]);
    expect(broadcastTo(same, [2, 3])).toBe(same);
    expect(broadcastTo(tf.scalar(2), [1, 1, 1, 1, 1, 2, 2]).shape).toEqual([1, 1, 1, 1, 1, 2, 2]);
  });
});
