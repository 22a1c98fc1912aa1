import { sizeOf, type Tensor } from '../../graph/tensor.ts';

/**
 * Host-side views of one axis of a tensor (time in a rollout window): the values of index k along `axis`, and
 * a copy with index k replaced. The graph side does the same by dim name in rollout/window-frames.ts.
 */
export function axisSlice(t: Tensor, axis: number, k: number): Float64Array {
  const { outer, size, inner } = split(t, axis);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[o * inner + i] = Number(t.data[(o * size + k) * inner + i]);
  return out;
}

export function withAxisSlice(t: Tensor, axis: number, k: number, values: ArrayLike<number>): Tensor {
  const { outer, size, inner } = split(t, axis);
  if (values.length !== outer * inner) throw new RangeError(`a slice of [${t.shape.join(', ')}] along axis ${axis} holds ${outer * inner} values, got ${values.length}`);
  const data = (t.data as Float32Array | Float64Array).slice();
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) data[(o * size + k) * inner + i] = values[o * inner + i];
  return { dtype: t.dtype, shape: t.shape, data };
}

function split(t: Tensor, axis: number): { outer: number; size: number; inner: number } {
  return { outer: sizeOf(t.shape.slice(0, axis)), size: t.shape[axis], inner: sizeOf(t.shape.slice(axis + 1)) };
}
