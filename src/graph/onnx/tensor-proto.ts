import { dtypeFromOnnxCode, ONNX_DTYPE_CODE, allocate, type AnyTypedArray } from '../dtype.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import { onnx } from './generated/onnx.js';
import { int64ToBigInt, int64ToNumber } from './proto-ints.ts';

/** Little-endian bytes of a typed array; every platform Node 20 runs on is little-endian, as ONNX raw_data is. */
function bytesOf(data: AnyTypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

/** A tensor as a TensorProto; data always goes to raw_data, the compact form ORT reads fastest. */
export function toTensorProto(t: Tensor, name: string): onnx.TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: [...t.shape],
    dataType: ONNX_DTYPE_CODE[t.dtype],
    rawData: bytesOf(t.data),
  });
}

/**
 * A TensorProto as a tensor, from raw_data or from the typed repeated fields (float_data, int32_data for
 * int32/uint8/bool, int64_data, double_data). `where` names the tensor in errors.
 */
export function fromTensorProto(p: onnx.ITensorProto, where: string): Tensor {
  const code = p.dataType ?? 0;
  const dtype = dtypeFromOnnxCode(code);
  const typeName = onnx.TensorProto.DataType[code] ?? String(code);
  if (!dtype) throw new Error(`${where}: tensor element type ${typeName} is not supported; tandem carries float32, float64, int32, int64, bool, uint8`);
  if (p.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new Error(`${where}: tensor data is stored externally; tandem reads only self-contained models`);
  }
  const shape = (p.dims ?? []).map(int64ToNumber);
  const n = sizeOf(shape);
  const data = allocate(dtype, n);
  const raw = p.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== data.byteLength) {
      throw new Error(`${where}: raw_data has ${raw.length} bytes, but a ${dtype} tensor of shape [${shape.join(', ')}] needs ${data.byteLength}`);
    }
    // Copy: raw_data may sit at an unaligned offset of the decode buffer.
    new Uint8Array(data.buffer).set(raw);
    return { dtype, shape, data };
  }
  const field: ArrayLike<unknown> =
    dtype === 'float32' ? (p.floatData ?? [])
    : dtype === 'float64' ? (p.doubleData ?? [])
    : dtype === 'int64' ? (p.int64Data ?? [])
    : (p.int32Data ?? []);
  if (field.length !== n) {
    throw new Error(`${where}: has ${field.length} values, but a ${dtype} tensor of shape [${shape.join(', ')}] needs ${n}`);
  }
  if (data instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) data[i] = int64ToBigInt(field[i] as number);
  } else {
    for (let i = 0; i < n; i++) data[i] = Number(field[i]);
  }
  return { dtype, shape, data };
}
