import { InferError, type OpDef } from '../op-def.ts';
import type { Shape } from '../tensor.ts';
import { constInts, normalizeAxes } from './const-input.ts';

const NUMERIC = ['float32', 'float64', 'int32', 'int64'] as const;

function reducedShape(shape: Shape, axes: number[], keepdims: boolean): number[] {
  return keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** The axes a reduction actually reduces: all of them when none are given (unless noop_with_empty_axes). */
export function reductionAxes(rank: number, given: number[] | undefined, noopWithEmptyAxes = false): number[] {
  if (given && given.length) return normalizeAxes(given, rank);
  return noopWithEmptyAxes ? [] : [...Array(rank).keys()];
}

/** ReduceSum (opset 13): axes as an optional input, keepdims, noop_with_empty_axes. */
const ReduceSum: OpDef = {
  op: 'ReduceSum',
  constInputs: [1],
  since: 13,
  arity: [1, 2],
  attrs: { keepdims: { type: 'int', default: 1 }, noop_with_empty_axes: { type: 'int', default: 0 } },
  dtypes: NUMERIC,
  infer([x, a], attrs) {
    const axes = reductionAxes(x!.shape.length, constInts(a, 'ReduceSum axes'), attrs.noop_with_empty_axes === 1);
    return [{ dtype: x!.dtype, shape: reducedShape(x!.shape, axes, attrs.keepdims === 1) }];
  },
};

/** ReduceMean / ReduceMax keep `axes` as an attribute until opset 18. */
function attrReduction(op: string): OpDef {
  return {
    op,
    since: 11,
    arity: [1, 1],
    attrs: { axes: { type: 'ints' }, keepdims: { type: 'int', default: 1 } },
    dtypes: NUMERIC,
    infer([x], attrs) {
      const axes = reductionAxes(x!.shape.length, attrs.axes as number[] | undefined);
      if (axes.some((ax) => x!.shape[ax] === 0) && op === 'ReduceMax') throw new InferError('ReduceMax over an empty axis has no value');
      return [{ dtype: x!.dtype, shape: reducedShape(x!.shape, axes, attrs.keepdims === 1) }];
    },
  };
}

export const reduceOps: OpDef[] = [ReduceSum, attrReduction('ReduceMean'), attrReduction('ReduceMax')];
