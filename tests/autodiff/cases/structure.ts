import { tensor } from '../../../src/graph/tensor.ts';
import type { NamedCase } from '../fd-cases.ts';

// Structure and scatter ops in float64 on ORT, each output passed through sin so the checked function is not
// linear in the op's output. Every attribute a rule branches on has its own case.

const i64 = (shape: number[], values: number[]) => tensor('int64', shape, values);

export const structureCases: NamedCase[] = [
  { name: 'Split equal parts, a piece unused', dtype: 'float64', inputs: [{ shape: [2, 6] }], build: (b, [x]) => {
    const [p, , r] = b.op('Split', [x], { axis: 1 }, { outputs: 3 });
    return b.sin(b.mul(p, b.exp(r)));
  } },
  { name: 'Split sizes input, axis −1', dtype: 'float64', inputs: [{ shape: [3, 5] }], build: (b, [x]) => {
    const [p, q] = b.op('Split', [x, b.ints([2, 3])], { axis: -1 });
    return b.sin(b.concat([q, b.mul(p, p)], 1));
  } },
  { name: 'Tile', dtype: 'float64', inputs: [{ shape: [2, 3, 1] }], build: (b, [x]) => b.sin(b.op1('Tile', [x, b.ints([2, 1, 3])])) },
  { name: 'DepthToSpace DCR', dtype: 'float64', inputs: [{ shape: [2, 8, 2, 3] }], build: (b, [x]) => b.sin(b.op1('DepthToSpace', [x], { blocksize: 2 })) },
  { name: 'DepthToSpace CRD', dtype: 'float64', inputs: [{ shape: [1, 18, 2, 2] }], build: (b, [x]) => b.sin(b.op1('DepthToSpace', [x], { blocksize: 3, mode: 'CRD' })) },
  { name: 'SpaceToDepth', dtype: 'float64', inputs: [{ shape: [2, 3, 4, 6] }], build: (b, [x]) => b.sin(b.op1('SpaceToDepth', [x], { blocksize: 2 })) },
  { name: 'Einsum attention scores', dtype: 'float64', inputs: [{ shape: [2, 2, 3, 4] }, { shape: [2, 2, 5, 4] }], build: (b, [q, k]) => b.sin(b.op1('Einsum', [q, k], { equation: 'bhqd,bhkd->bhqk' })) },
  { name: 'Einsum bilinear, three operands', dtype: 'float64', inputs: [{ shape: [4, 3] }, { shape: [5, 3, 2] }, { shape: [4, 2] }], build: (b, [u, w, v]) => b.sin(b.op1('Einsum', [u, w, v], { equation: 'bi,oij,bj->bo' })) },
  { name: 'Einsum ellipsis, implicit output', dtype: 'float64', inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4, 3] }], build: (b, [p, q]) => b.sin(b.op1('Einsum', [p, q], { equation: '...ij,...jk' })) },
  { name: 'Einsum summed-out axis, transpose, outer product', dtype: 'float64', inputs: [{ shape: [3, 4, 2] }, { shape: [5] }], build: (b, [p, l]) => b.sin(b.op1('Einsum', [p, l], { equation: 'ijk,l->lki' })) },
  { name: 'Einsum same operand twice', dtype: 'float64', inputs: [{ shape: [3, 4] }], build: (b, [x]) => b.sin(b.op1('Einsum', [x, x], { equation: 'ij,kj->ik' })) },
  { name: 'CumSum', dtype: 'float64', inputs: [{ shape: [3, 5] }], build: (b, [x]) => b.sin(b.op1('CumSum', [x, b.ints([1])])) },
  { name: 'CumSum exclusive reverse', dtype: 'float64', inputs: [{ shape: [4, 3] }], build: (b, [x]) => b.sin(b.op1('CumSum', [x, b.constant(i64([], [0]))], { exclusive: 1, reverse: 1 })) },
  { name: 'Trilu upper k 1', dtype: 'float64', inputs: [{ shape: [2, 3, 4] }], build: (b, [x]) => b.sin(b.op1('Trilu', [x, b.constant(i64([], [1]))])) },
  { name: 'Trilu lower default k', dtype: 'float64', inputs: [{ shape: [4, 3] }], build: (b, [x]) => b.sin(b.op1('Trilu', [x], { upper: 0 })) },
  {
    name: 'GatherElements axis 1, repeated and negative indices',
    dtype: 'float64',
    inputs: [{ shape: [3, 4] }],
    build: (b, [x]) => b.sin(b.op1('GatherElements', [x, b.constant(i64([3, 3], [0, -1, 0, 3, 2, 3, 1, 1, -4]))], { axis: 1 })),
  },
  {
    name: 'ScatterElements none (data and updates)',
    dtype: 'float64',
    inputs: [{ shape: [3, 4] }, { shape: [3, 2] }],
    build: (b, [x, u]) => b.sin(b.op1('ScatterElements', [x, b.constant(i64([3, 2], [0, -1, 3, 2, 1, 0])), u], { axis: 1 })),
  },
  {
    name: 'ScatterElements add, repeated indices',
    dtype: 'float64',
    inputs: [{ shape: [3, 3] }, { shape: [2, 3] }],
    build: (b, [x, u]) => b.sin(b.op1('ScatterElements', [x, b.constant(i64([2, 3], [1, 1, 1, 1, 0, 2])), u], { reduction: 'add' })),
  },
  {
    name: 'ScatterND none, slices, negative index',
    dtype: 'float64',
    inputs: [{ shape: [4, 3] }, { shape: [2, 3] }],
    build: (b, [x, u]) => b.sin(b.op1('ScatterND', [x, b.constant(i64([2, 1], [3, -4])), u])),
  },
  {
    name: 'ScatterND add, repeated elements',
    dtype: 'float64',
    inputs: [{ shape: [3, 4] }, { shape: [3] }],
    build: (b, [x, u]) => b.sin(b.op1('ScatterND', [x, b.constant(i64([3, 2], [0, 1, 2, 3, 0, 1])), u], { reduction: 'add' })),
  },
];
