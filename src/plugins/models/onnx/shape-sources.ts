import { tensor, toNumbers, type Tensor } from '../../../graph/tensor.ts';
import { GraphError } from '../../../graph/errors.ts';
import { fromNumbers } from './fold-constants.ts';
import type { ImportOp } from './import-op.ts';

/**
 * Where exported shape arithmetic starts: Shape and Size read the static shape of their input (bound from
 * the data at import), ConstantOfShape and Range turn constants into tensors. All four fold to constants;
 * ConstantOfShape and Range whose inputs are computed from tensor values are refused, naming the node.
 */

/** Shape (opset 15 adds start/end, which slice the shape vector as Python slices do). */
const Shape: ImportOp = {
  attrs: { start: { type: 'int', default: 0 }, end: { type: 'int' } },
  import(ctx, node) {
    const shape = ctx.type(node.inputs[0]).shape;
    const r = shape.length;
    const at = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const dims = shape.slice(at(node.attrs.start as number), node.attrs.end === undefined ? r : at(node.attrs.end as number));
    return [tensor('int64', [dims.length], dims)];
  },
};

const Size: ImportOp = {
  attrs: {},
  import(ctx, node) {
    return [tensor('int64', [], [ctx.type(node.inputs[0]).shape.reduce((a, d) => a * d, 1)])];
  },
};

const ConstantOfShape: ImportOp = {
  attrs: { value: { type: 'tensor' } },
  constInputs: [0],
  import(ctx, node) {
    const shape = ctx.constant(node.inputs[0]);
    if (!shape) return ctx.refuseComputed(node, 0, 'shape');
    const fill = (node.attrs.value as Tensor | undefined) ?? tensor('float32', [1], [0]);
    const dims = toNumbers(shape);
    return [fromNumbers(fill.dtype, dims, new Array<number>(dims.reduce((a, d) => a * d, 1)).fill(toNumbers(fill)[0]))];
  },
};

/** Range folds when its bounds are constants; with computed bounds its length is data-dependent. */
const Range: ImportOp = {
  attrs: {},
  import(ctx, node) {
    const [start, limit, delta] = node.inputs.map((v) => ctx.constant(v));
    if (!start || !limit || !delta) return ctx.refuseComputed(node, [start, limit, delta].findIndex((t) => !t), 'bound');
    const [s, l, d] = [start, limit, delta].map((t) => toNumbers(t)[0]);
    if (d === 0) throw new GraphError(node.name, 'Range', 'delta is 0');
    const n = Math.max(Math.ceil((l - s) / d), 0);
    return [fromNumbers(start.dtype, [n], Array.from({ length: n }, (_, k) => s + k * d))];
  },
};

export const shapeSources: Readonly<Record<string, ImportOp>> = { Shape, Size, ConstantOfShape, Range };
