import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import { tensor } from '../../../src/graph/tensor.ts';
import { execute } from '../../../src/plugins/backends/tfjs/interpreter.ts';
import { mergedTranspose } from '../../../src/plugins/backends/tfjs/kernels/shape.ts';
import { stridedSlice } from '../../../src/plugins/backends/tfjs/kernels/strided-slice.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';

// A unit-stride slice, and a Transpose, run on a view with mergeable axes merged (tfjs-wasm is slow at rank 5–6);
// the values must be exactly those of the plain op, whatever the axes.
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

describe('tfjs Transpose with merged axes', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  it('merges input axes that stay neighbours and drops size-1 axes', () => {
    expect(mergedTranspose([16, 2, 16, 16, 8, 2], [3, 4, 0, 1, 2, 5])).toEqual({ shape: [512, 128, 2], perm: [1, 0, 2] });
    expect(mergedTranspose([2, 1, 3], [2, 1, 0])).toEqual({ shape: [2, 3], perm: [1, 0] });
    expect(mergedTranspose([2, 3, 4], [0, 1, 2])).toEqual({ shape: [24], perm: [0] });
    expect(mergedTranspose([2, 3, 4], [2, 0, 1])).toEqual({ shape: [6, 4], perm: [1, 0] });
  });

  const perms: [number[], number[]][] = [
    [[3, 2, 4, 2, 3, 2], [3, 4, 0, 1, 2, 5]],
    [[2, 3, 2, 4, 2], [2, 3, 1, 4, 0]],
    [[2, 1, 3, 1, 2], [4, 3, 2, 1, 0]],
    [[2, 3, 4], [0, 2, 1]],
    [[1, 1, 3], [2, 0, 1]],
  ];
  for (const [shape, perm] of perms) {
    it(`[${shape}] by [${perm}] equals the plain transpose`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Array.from({ length: n }, (_, i) => i);
      const b = new GraphBuilder('t');
      b.output(b.transpose(b.input('x', 'float32', shape), perm), 'y');
      const y = execute(b.build(), { x: tensor('float32', shape, data) }).y;
      const want = tf.transpose(tf.tensor(data, shape), perm);
      expect(y.shape).toEqual(want.shape);
      expect(Array.from(y.data as Float32Array)).toEqual(Array.from(want.dataSync()));
    });
  }
});
