import { DTYPES, type AnyTypedArray, type DType } from '../graph/dtype.ts';

/**
 * Element types a data array can have: the graph dtypes plus complex64. complex64 exists only at the data edge
 * (files, containers); the graph sees complex values as float32 pairs in a trailing axis of 2 (see complex.ts).
 */
export const DATA_DTYPES = [...DTYPES, 'complex64'] as const;
export type DataDType = (typeof DATA_DTYPES)[number];

/** complex64 is stored interleaved (re, im, re, im, ...) in a Float32Array of twice the element count, as numpy does. */
export type DataArray = AnyTypedArray;

export function isGraphDType(d: DataDType): d is DType {
  return d !== 'complex64';
}

/** Typed-array values per element: 2 for complex64, 1 otherwise. */
export function lanesOf(dtype: DataDType): number {
  return dtype === 'complex64' ? 2 : 1;
}

/** Bytes per element as stored in .npy. */
export function byteSizeOf(dtype: DataDType): number {
  switch (dtype) {
    case 'bool':
    case 'uint8':
      return 1;
    case 'int32':
    case 'float32':
      return 4;
    case 'float64':
    case 'int64':
    case 'complex64':
      return 8;
  }
}

export function allocateData(dtype: DataDType, elements: number): DataArray {
  const n = elements * lanesOf(dtype);
  switch (dtype) {
    case 'float32':
    case 'complex64':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'bool':
    case 'uint8':
      return new Uint8Array(n);
  }
}

/** The typed-array constructor name expected for a dtype, for error messages. */
export function arrayKindOf(dtype: DataDType): string {
  return allocateData(dtype, 0).constructor.name;
}

/** Whether `values` is the typed array a dtype is stored in (a Node Buffer counts as a Uint8Array). */
export function isArrayFor(dtype: DataDType, values: DataArray): boolean {
  return values instanceof (allocateData(dtype, 0).constructor as new (n: number) => DataArray);
}
