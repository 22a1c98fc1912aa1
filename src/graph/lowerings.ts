import type { GraphBuilder, Value } from './builder.ts';
import { GraphError } from './errors.ts';
import { tensor } from './tensor.ts';

/** gelu(x) = x·½·(1 + erf(x/√2)): the exact GELU in opset-17 ops (ONNX Gelu arrives in opset 20). */
export function gelu(b: GraphBuilder, x: Value): Value {
  const s = (v: number): Value => b.scalar(v, x.dtype);
  const cdf = b.mul(b.add(b.erf(b.mul(x, s(Math.SQRT1_2))), s(1)), s(0.5));
  return b.mul(x, cdf);
}

/**
 * Circular (wrap-around) padding, opset 19's Pad mode, as Slice + Concat per padded axis: the last `begin`
 * entries are prepended and the first `end` entries appended. Pads must be within 0..size of each axis.
 */
export function circularPad(b: GraphBuilder, x: Value, pads: readonly number[]): Value {
  const r = x.rank;
  if (pads.length !== 2 * r) throw new GraphError(x.name, 'Pad', `circular pads has ${pads.length} values, expected ${2 * r} for rank ${r}`);
  let y = x;
  for (let axis = 0; axis < r; axis++) {
    const [begin, end] = [pads[axis], pads[axis + r]];
    const dim = y.shape[axis];
    if (begin < 0 || end < 0 || begin > dim || end > dim) {
      throw new GraphError(x.name, 'Pad', `circular pads (${begin}, ${end}) on axis ${axis} must lie within 0..${dim}`);
    }
    if (begin === 0 && end === 0) continue;
    const parts: Value[] = [];
    if (begin > 0) parts.push(b.slice(y, [dim - begin], [dim], [axis]));
    parts.push(y);
    if (end > 0) parts.push(b.slice(y, [0], [end], [axis]));
    y = b.concat(parts, axis);
  }
  return y;
}

/**
 * torch's nn.GroupNorm (per-channel scale and bias) as the opset-18 GroupNormalization with unit per-group scale
 * and zero bias, then ·scale + bias per channel (ONNX made GroupNormalization's scale per channel only in opset 21).
 */
export function groupNorm(b: GraphBuilder, x: Value, scale: Value, bias: Value, groups: number, epsilon = 1e-5): Value {
  const c = x.shape[1];
  if (x.rank < 2 || groups < 1 || c % groups !== 0) {
    throw new GraphError(x.name, 'GroupNorm', `${groups} groups do not divide the ${c ?? 'missing'} channels (axis 1) of [${x.shape.join(', ')}]`);
  }
  const unit = (v: number) => b.constant(tensor(x.dtype, [groups], new Array<number>(groups).fill(v)));
  const normalized = b.op1('GroupNormalization', [x, unit(1), unit(0)], { num_groups: groups, epsilon });
  const perChannel = (p: Value) => b.reshape(p, [c, ...new Array<number>(x.rank - 2).fill(1)]);
  return b.add(b.mul(normalized, perChannel(scale)), perChannel(bias));
}
