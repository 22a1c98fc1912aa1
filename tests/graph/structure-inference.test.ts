import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Value } from '../../src/graph/builder.ts';
import type { DType } from '../../src/graph/dtype.ts';
import { fromOnnx } from '../../src/graph/onnx/from-onnx.ts';
import { toOnnx } from '../../src/graph/onnx/to-onnx.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { validate } from '../../src/graph/validate.ts';

function withInputs(...shapes: number[][]): [GraphBuilder, ...Value[]] {
  const b = new GraphBuilder('t');
  return [b, ...shapes.map((s, i) => b.input(`x${i}`, 'float32', s))];
}
const typeOf = (v: Value): [DType, readonly number[]] => [v.dtype, v.shape];
const i64 = (b: GraphBuilder, v: number) => b.constant(tensor('int64', [], [v]));

describe('shape inference of the structure, scatter and discrete ops', () => {
  it('Split: sizes from the split input, or equal parts from the output count (also through ONNX)', () => {
    const [b, x] = withInputs([2, 6]);
    expect(b.op('Split', [x, b.ints([1, 5])], { axis: 1 }).map(typeOf)).toEqual([['float32', [2, 1]], ['float32', [2, 5]]]);
    const parts = b.op('Split', [x], { axis: -1 }, { outputs: 3 });
    expect(parts.map((p) => p.shape)).toEqual([[2, 2], [2, 2], [2, 2]]);
    expect(() => b.op('Split', [x, b.ints([2, 5])], { axis: 1 }, { name: 's' })).toThrow('node "s" (Split): split [2, 5] sums to 7, but the axis has 6');
    expect(() => b.op('Split', [x], { axis: 1 }, { name: 'q', outputs: 4 })).toThrow('node "q" (Split): the axis (6) does not split into 4 equal parts; give a split input');
    parts.forEach((p, k) => b.output(p, `p${k}`));
    const g = fromOnnx(toOnnx(b.build()));
    validate(g);
    expect(g.outputs.map((o) => o.shape)).toEqual([[2, 2], [2, 2], [2, 2]]);
  });

  it('Tile, DepthToSpace (DCR, CRD), SpaceToDepth', () => {
    const [b, x, y] = withInputs([2, 3, 1], [1, 8, 2, 3]);
    expect(typeOf(b.op1('Tile', [x, b.ints([2, 1, 4])]))).toEqual(['float32', [4, 3, 4]]);
    expect(() => b.op1('Tile', [x, b.ints([2, 1])], {}, { name: 't' })).toThrow('node "t" (Tile): repeats has 2 values for rank 3');
    expect(typeOf(b.op1('DepthToSpace', [y], { blocksize: 2, mode: 'CRD' }))).toEqual(['float32', [1, 2, 4, 6]]);
    expect(typeOf(b.op1('SpaceToDepth', [b.op1('DepthToSpace', [y], { blocksize: 2 })], { blocksize: 2 }))).toEqual(['float32', [1, 8, 2, 3]]);
    expect(() => b.op1('DepthToSpace', [y], { blocksize: 3 }, { name: 'd' })).toThrow('node "d" (DepthToSpace): channels 8 must be a multiple of blocksize² = 9');
    expect(() => b.op1('SpaceToDepth', [y], { blocksize: 2 }, { name: 's' })).toThrow('node "s" (SpaceToDepth): height 2 and width 3 must be multiples of blocksize 2');
  });

  it('Einsum: explicit, implicit and ellipsis outputs; broadcasting and unknown subscripts refused', () => {
    const [b, q, k, m] = withInputs([2, 3, 4, 5], [2, 3, 6, 5], [5, 7]);
    expect(typeOf(b.op1('Einsum', [q, k], { equation: 'bhqd,bhkd->bhqk' }))).toEqual(['float32', [2, 3, 4, 6]]);
    expect(typeOf(b.op1('Einsum', [q, m], { equation: '...d,de' }))).toEqual(['float32', [2, 3, 4, 7]]);
    expect(typeOf(b.op1('Einsum', [q, m], { equation: '...d,de->...e' }))).toEqual(['float32', [2, 3, 4, 7]]);
    expect(typeOf(b.op1('Einsum', [m], { equation: 'ij->' }))).toEqual(['float32', []]);
    expect(() => b.op1('Einsum', [q, k], { equation: 'bhqd,bhqd->bh' }, { name: 'e' })).toThrow('node "e" (Einsum): equation "bhqd,bhqd->bh": subscript "q" has sizes 4 and 6; broadcasting inside Einsum is refused');
    expect(() => b.op1('Einsum', [m], { equation: 'ij->k' }, { name: 'e2' })).toThrow('node "e2" (Einsum): equation "ij->k": the output subscript "k" is in no operand');
    expect(() => b.op1('Einsum', [m], { equation: 'ijk->i' }, { name: 'e3' })).toThrow('node "e3" (Einsum): equation "ijk->i": operand 0 "ijk" has 3 subscripts for rank 2');
    expect(() => b.op1('Einsum', [m], { equation: 'i1->i' }, { name: 'e4' })).toThrow('node "e4" (Einsum): equation "i1->i": operand 0 "i1" has the character "1"');
    expect(typeOf(b.op1('Einsum', [m], { equation: ' i j -> j i ' }))).toEqual(['float32', [7, 5]]);
  });

  it('CumSum, Trilu and Range (constant scalars; the length is ceil((limit − start) / delta))', () => {
    const [b, x, v] = withInputs([3, 4], [5]);
    expect(typeOf(b.op1('CumSum', [x, i64(b, -1)]))).toEqual(['float32', [3, 4]]);
    expect(() => b.op1('CumSum', [x, i64(b, 2)], {}, { name: 'c' })).toThrow('node "c" (CumSum): axis 2 is out of range for rank 2');
    expect(typeOf(b.op1('Trilu', [x, i64(b, -1)], { upper: 0 }))).toEqual(['float32', [3, 4]]);
    expect(() => b.op1('Trilu', [v], {}, { name: 'tr' })).toThrow('node "tr" (Trilu): Trilu takes a tensor of rank ≥ 2, got [5]');
    expect(typeOf(b.op1('Range', [b.scalar(0.5), b.scalar(3.9), b.scalar(0.7)]))).toEqual(['float32', [5]]);
    expect(typeOf(b.op1('Range', [i64(b, 10), i64(b, -3), i64(b, -4)]))).toEqual(['int64', [4]]);
    expect(typeOf(b.op1('Range', [i64(b, 3), i64(b, 1), i64(b, 1)]))).toEqual(['int64', [0]]);
    const computed = b.op1('ReduceSum', [v], { keepdims: 0 });
    expect(() => b.op1('Range', [b.scalar(0), computed, b.scalar(1)], {}, { name: 'r' })).toThrow(/^node "r" \(Range\): Range limit \(input "ReduceSum_\d+"\) is computed, but shape input must be a constant/);
  });

  it('GatherElements, ScatterElements, ScatterND and ArgMax / ArgMin', () => {
    const [b, x, u] = withInputs([3, 4], [2, 4]);
    const idx = b.constant(tensor('int64', [2, 4], [0, 1, 2, 0, 1, 2, 0, 1]));
    expect(typeOf(b.op1('GatherElements', [x, idx]))).toEqual(['float32', [2, 4]]);
    expect(typeOf(b.op1('ScatterElements', [x, idx, u], { reduction: 'add' }))).toEqual(['float32', [3, 4]]);
    expect(() => b.op1('ScatterElements', [x, idx, u], { reduction: 'max' }, { name: 'se' })).toThrow('node "se" (ScatterElements): reduction "max" is not one of none, add, mul');
    expect(() => b.op1('GatherElements', [x, b.constant(tensor('int64', [4], [0, 1, 2, 0]))], {}, { name: 'ge' })).toThrow('node "ge" (GatherElements): indices [4] and data [3, 4] must have the same rank');
    const nd = b.constant(tensor('int64', [2, 1], [0, 2]));
    expect(typeOf(b.op1('ScatterND', [x, nd, u]))).toEqual(['float32', [3, 4]]);
    expect(() => b.op1('ScatterND', [x, nd, x], {}, { name: 'sn' })).toThrow('node "sn" (ScatterND): updates [3, 4] must have shape [2, 4]');
    expect(typeOf(b.op1('ArgMax', [x], { axis: -1 }))).toEqual(['int64', [3, 1]]);
    expect(typeOf(b.op1('ArgMin', [x], { keepdims: 0 }))).toEqual(['int64', [4]]);
    for (const op of ['Sign', 'Floor', 'Ceil', 'Round']) expect(typeOf(b.op1(op, [x]))).toEqual(['float32', [3, 4]]);
  });
});
