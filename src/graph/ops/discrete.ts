import type { OpDef } from '../op-def.ts';
import { normalizeAxis } from '../shape-utils.ts';
import { unary } from './elementwise.ts';

const NUMERIC = ['float32', 'float64', 'int32', 'int64'] as const;

/** ArgMax / ArgMin (opset 13): int64 indices along one axis; select_last_index picks the last of equal extremes. */
function argExtremum(op: string): OpDef {
  return {
    op,
    since: 11,
    arity: [1, 1],
    attrs: { axis: { type: 'int', default: 0 }, keepdims: { type: 'int', default: 1 }, select_last_index: { type: 'int', default: 0 } },
    dtypes: NUMERIC,
    infer([x], attrs) {
      const axis = normalizeAxis(attrs.axis as number, x!.shape.length);
      const shape = attrs.keepdims === 1 ? x!.shape.map((d, i) => (i === axis ? 1 : d)) : x!.shape.filter((_, i) => i !== axis);
      return [{ dtype: 'int64', shape }];
    },
  };
}

/**
 * Ops whose outputs are piecewise constant or integer: the autodiff lists them as non-differentiable
 * (src/autodiff/op-names.ts says why), so no gradient flows through them.
 */
export const discreteOps: OpDef[] = [
  { ...unary('Sign', {}, NUMERIC), since: 9 },
  { ...unary('Floor'), since: 6 },
  { ...unary('Ceil'), since: 6 },
  { ...unary('Round'), since: 11 },
  argExtremum('ArgMax'),
  argExtremum('ArgMin'),
];
