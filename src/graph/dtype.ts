/** Element types a graph value can have. Complex numbers are float pairs in a trailing axis of 2, as ONNX DFT does. */
export const DTYPES = ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8'] as const;
export type DType = (typeof DTYPES)[number];

export type TypedArrayOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : D extends 'int64'
        ? BigInt64Array
        : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export function isFloat(d: DType): d is 'float32' | 'float64' {
  return d === 'float32' || d === 'float64';
}

/** ONNX TensorProto.DataType codes. */
export const ONNX_DTYPE_CODE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

const DTYPE_OF_CODE = new Map(Object.entries(ONNX_DTYPE_CODE).map(([d, c]) => [c, d as DType]));

/** The tandem dtype for an ONNX TensorProto.DataType code; undefined for types tandem does not carry (float16, int8, string …). */
export function dtypeFromOnnxCode(code: number): DType | undefined {
  return DTYPE_OF_CODE.get(code);
}

export function allocate(dtype: DType, size: number): AnyTypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'int64':
      return new BigInt64Array(size);
    case 'bool':
    case 'uint8':
      return new Uint8Array(size);
  }
}
