import type { GradRule } from '../rule.ts';

/**
 * reduction none: the overwritten positions of data get no gradient (g scattered over by zeros) and each update
 * gets g where it landed (GatherElements). add: data gets g unchanged. mul has no rule: its gradient divides by
 * the updates, which is undefined where one is zero.
 */
export const ScatterElementsGrad: GradRule = {
  op: 'ScatterElements',
  grad({ b, g, x: [, idx, u], attr, fail }) {
    const axis = attr<number>('axis');
    const reduction = attr<string>('reduction');
    if (reduction === 'mul') fail('ScatterElements with reduction "mul" has no gradient rule; use "none" or "add", or stop the gradient before this node');
    const dUpdates = b.op1('GatherElements', [g, idx!], { axis });
    if (reduction === 'add') return [g, null, dUpdates];
    const zeros = b.op1('Expand', [b.scalar(0, u!.dtype), b.ints(u!.shape)]);
    return [b.op1('ScatterElements', [g, idx!, zeros], { axis }), null, dUpdates];
  },
};
