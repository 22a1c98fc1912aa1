import type { DType } from '../graph/dtype.ts';
import { sizeOf, type Shape, type Tensor } from '../graph/tensor.ts';
import { allocateData, arrayKindOf, isArrayFor, isGraphDType, lanesOf, type DataArray, type DataDType } from './data-dtype.ts';

/**
 * A dense row-major array whose axes have names (`batch`, `time`, `x`, `y`, `channel`, `vector`, ...).
 * Code addresses axes by name, never by position, so a layout change can never silently mix up two axes.
 * It is a graph `Tensor` plus `dims`, except that `dtype` may also be complex64 (interleaved re, im pairs).
 */
export interface NamedTensor {
  readonly dtype: DataDType;
  readonly shape: Shape;
  readonly dims: readonly string[];
  readonly data: DataArray;
}

/** The axis name that holds (re, im) when complex values are handed to the graph, as ONNX DFT does. */
export const COMPLEX_DIM = 'complex';

const DIM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Builds a named tensor, checking dims, shape and data agree; without `data` it is zero-filled. */
export function namedTensor(dtype: DataDType, shape: Shape, dims: readonly string[], data?: DataArray): NamedTensor {
  checkDims(dims, shape);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`a tensor shape holds non-negative integers, got [${shape.join(', ')}]`);
  }
  const values = data ?? allocateData(dtype, sizeOf(shape));
  const expected = sizeOf(shape) * lanesOf(dtype);
  if (!isArrayFor(dtype, values)) {
    throw new TypeError(`a ${dtype} tensor needs a ${arrayKindOf(dtype)}, got a ${values.constructor.name}`);
  }
  if (values.length !== expected) {
    throw new RangeError(
      `a ${dtype} tensor of shape [${shape.join(', ')}] needs ${expected} array values, got ${values.length}` +
        (dtype === 'complex64' ? ' (complex64 stores two floats per element)' : ''),
    );
  }
  return { dtype, shape: [...shape], dims: [...dims], data: values };
}

/** Dim names must be identifiers, unique, one per axis: anything else would force positional guessing later. */
export function checkDims(dims: readonly string[], shape: Shape): void {
  if (dims.length !== shape.length) {
    throw new RangeError(`${dims.length} dim names (${dims.join(', ')}) for a rank-${shape.length} shape [${shape.join(', ')}]: name every axis`);
  }
  const seen = new Set<string>();
  for (const d of dims) {
    if (!DIM_NAME.test(d)) throw new RangeError(`"${d}" is not a valid dim name: use letters, digits and _ (e.g. batch, time, x)`);
    if (seen.has(d)) throw new RangeError(`dim "${d}" appears twice in (${dims.join(', ')}): dim names must be unique`);
    seen.add(d);
  }
}

/** The position of a named axis; an unknown name is an error listing the tensor's dims. */
export function axisOf(t: Pick<NamedTensor, 'dims'>, dim: string): number {
  const i = t.dims.indexOf(dim);
  if (i < 0) throw new RangeError(`no dim "${dim}" in (${t.dims.join(', ')})`);
  return i;
}

export function sizeAlong(t: Pick<NamedTensor, 'dims' | 'shape'>, dim: string): number {
  return t.shape[axisOf(t, dim)];
}

/** A graph tensor sharing the same data; complex64 must first become float pairs (`complexToPairs`). */
export function toGraphTensor(t: NamedTensor): Tensor {
  const { dtype } = t;
  if (!isGraphDType(dtype)) {
    throw new TypeError(`a complex64 tensor (${t.dims.join(', ')}) cannot enter the graph directly: convert it with complexToPairs()`);
  }
  return { dtype: dtype as DType, shape: t.shape, data: t.data };
}

/** Names the axes of a graph tensor (sharing its data). */
export function fromGraphTensor(t: Tensor, dims: readonly string[]): NamedTensor {
  return namedTensor(t.dtype, t.shape, dims, t.data);
}

/**
 * complex64 → float32 with a trailing axis of 2 named `complex`. numpy's complex64 memory layout *is* that
 * float32 layout, so the data is shared, not copied.
 */
export function complexToPairs(t: NamedTensor, pairDim: string = COMPLEX_DIM): NamedTensor {
  if (t.dtype !== 'complex64') throw new TypeError(`complexToPairs needs a complex64 tensor, got ${t.dtype} (${t.dims.join(', ')})`);
  return namedTensor('float32', [...t.shape, 2], [...t.dims, pairDim], t.data);
}

/** float32 with a trailing (re, im) axis of 2 → complex64, sharing the data. */
export function pairsToComplex(t: NamedTensor, pairDim: string = COMPLEX_DIM): NamedTensor {
  const last = t.dims.length - 1;
  if (t.dtype !== 'float32' || t.dims[last] !== pairDim || t.shape[last] !== 2) {
    throw new TypeError(
      `pairsToComplex needs float32 with a trailing "${pairDim}" axis of size 2, got ${t.dtype} (${t.dims.join(', ')}) [${t.shape.join(', ')}]`,
    );
  }
  return namedTensor('complex64', t.shape.slice(0, last), t.dims.slice(0, last), t.data);
}
