import { describe, expect, it } from 'vitest';
import { tensor, toNumbers, type Tensor } from '../../../src/graph/tensor.ts';
import { foldNode } from '../../../src/plugins/models/onnx/fold-constants.ts';

const i64 = (shape: number[], v: number[]) => tensor('int64', shape, v);
const fold = (op: string, inputs: (Tensor | undefined)[], attrs: Record<string, number | number[]> = {}) => {
  const t = foldNode('n', op, inputs, attrs);
  return { shape: t.shape, dtype: t.dtype, values: toNumbers(t) };
};

// The shape arithmetic torch 1.13 exports, with the values numpy gives for it.
describe('import-time constant folding of shape arithmetic', () => {
  it('Gather takes negative indices from the end, along its axis', () => {
    expect(fold('Gather', [i64([4], [2, 3, 5, 7]), i64([], [-1])])).toEqual({ shape: [], dtype: 'int64', values: [7] });
    expect(fold('Gather', [i64([2, 3], [1, 2, 3, 4, 5, 6]), i64([2], [2, 0])], { axis: 1 }).values).toEqual([3, 1, 6, 4]);
  });

  it('Slice with step -1 to INT64_MIN reverses (how torch writes pads in reverse order)', () => {
    const ends = tensor('int64', [1], [-(2n ** 63n)]);
    expect(fold('Slice', [i64([4], [1, 2, 3, 4]), i64([1], [-1]), ends, i64([1], [0]), i64([1], [-1])]).values).toEqual([4, 3, 2, 1]);
  });

  it('integer Div truncates; Cast to float and bool; Equal and Where select', () => {
    expect(fold('Div', [i64([2], [7, -7]), i64([], [2])]).values).toEqual([3, -3]);
    expect(fold('Cast', [i64([2], [0, 3])], { to: 9 })).toEqual({ shape: [2], dtype: 'bool', values: [0, 1] });
    const eq = foldNode('n', 'Equal', [i64([3], [1, -1, 5]), i64([], [-1])], {});
    expect(fold('Where', [eq, i64([], [1]), i64([3], [4, 5, 6])]).values).toEqual([4, 1, 6]);
  });

  it('Concat, Unsqueeze, Transpose and Expand keep row-major order', () => {
    expect(fold('Concat', [i64([1, 2], [1, 2]), i64([1, 1], [3])], { axis: 1 }).values).toEqual([1, 2, 3]);
    expect(fold('Unsqueeze', [i64([], [5]), i64([1], [0])])).toEqual({ shape: [1], dtype: 'int64', values: [5] });
    expect(fold('Transpose', [i64([2, 3], [1, 2, 3, 4, 5, 6])], { perm: [1, 0] }).values).toEqual([1, 4, 2, 5, 3, 6]);
    expect(fold('Expand', [i64([2, 1], [1, 2]), i64([2], [2, 3])]).values).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('saturates int64 at INT64_MAX instead of wrapping (torch\'s "to the end" through Concat)', () => {
    const end = tensor('int64', [1], [2n ** 63n - 1n]);
    expect(foldNode('n', 'Concat', [end, i64([1], [3])], { axis: 0 }).data).toEqual(new BigInt64Array([2n ** 63n - 1n, 3n]));
  });
});
