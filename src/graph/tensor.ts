import { allocate, type AnyTypedArray, type DType } from './dtype.ts';

export type Shape = readonly number[];

/** A dense, row-major tensor: the form of constants, initializers and every value exchanged with an executor. */
export interface Tensor {
  readonly dtype: DType;
  readonly shape: Shape;
  readonly data: AnyTypedArray;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor(dtype: DType, shape: Shape, values?: ArrayLike<number> | ArrayLike<bigint>): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  if (values) {
    if (values.length !== data.length) {
      throw new RangeError(`tensor of shape [${shape.join(', ')}] needs ${data.length} values, got ${values.length}`);
    }
    if (data instanceof BigInt64Array) {
      for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i] as number | bigint);
    } else {
      for (let i = 0; i < values.length; i++) data[i] = Number(values[i]);
    }
  }
  return { dtype, shape: [...shape], data };
}

/** The values as plain numbers (int64 included): for small index and shape tensors only. */
export function toNumbers(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}
