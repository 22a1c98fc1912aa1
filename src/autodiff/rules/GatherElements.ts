import type { GradRule } from '../rule.ts';

/** GatherElements' gradient adds g into zeros at the positions it read (repeated indices add up): ScatterElements with add. */
export const GatherElementsGrad: GradRule = {
  op: 'GatherElements',
  grad({ b, g, x: [x, idx], attr }) {
    const zeros = b.op1('Expand', [b.scalar(0, x!.dtype), b.ints(x!.shape)]);
    return [b.op1('ScatterElements', [zeros, idx!, g], { axis: attr<number>('axis'), reduction: 'add' }), null];
  },
};
