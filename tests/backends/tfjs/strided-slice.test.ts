import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stridedSlice } from '../../../src/plugins/backends/tfjs/kernels/strided-slice.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';

// A unit-stride slice runs on a view with the whole axes merged (rank ≤ 4 stays in wasm's native kernel); the
// values must be exactly those of the plain slice, whatever axes are cut.
describe('tfjs stridedSlice with merged axes', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  const cases: [string, number[], number[], number[]][] = [
    ['rank 6, one middle axis (the FNO weight split)', [3, 2, 4, 2, 3, 2], [0, 1, 0, 0, 0, 0], [3, 2, 4, 2, 3, 2]],
    ['rank 5, the last axis', [2, 3, 4, 3, 2], [0, 0, 0, 0, 1], [2, 3, 4, 3, 2]],
    ['rank 4, a crop of the two last axes', [2, 3, 7, 7], [0, 0, 0, 0], [2, 3, 5, 5]],
    ['rank 6, cut axes between whole ones', [2, 3, 2, 5, 2, 3], [1, 0, 0, 1, 0, 1], [2, 3, 2, 4, 2, 2]],
    ['rank 5, every axis cut', [3, 3, 3, 3, 3], [1, 0, 2, 1, 0], [2, 3, 3, 2, 1]],
    ['rank 1', [9], [2], [7]],
    ['int32, rank 6', [2, 2, 3, 2, 2, 2], [0, 0, 1, 0, 0, 0], [2, 2, 3, 2, 2, 2]],
  ];
  for (const [name, shape, begin, end] of cases) {
    it(name, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const dtype = name.startsWith('int32') ? 'int32' : 'float32';
      const x = tf.tensor(Array.from({ length: n }, (_, i) => i), shape, dtype);
      const y = stridedSlice(x, begin, end, shape.map(() => 1));
      const want = tf.slice(x, begin, end.map((e, i) => e - begin[i]));
      expect(y.shape).toEqual(want.shape);
      expect(y.dtype).toBe(dtype);
      expect(Array.from(y.dataSync())).toEqual(Array.from(want.dataSync()));
    });
  }
});
