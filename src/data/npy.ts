import { endianness } from 'node:os';
import { sizeOf, type Shape } from '../graph/tensor.ts';
import { allocateData, byteSizeOf, isArrayFor, lanesOf, type DataArray, type DataDType } from './data-dtype.ts';
import { DataFormatError } from './errors.ts';
import { transposeData } from './layout.ts';

/**
 * The .npy format (numpy `lib/format.py`, versions 1.0, 2.0 and 3.0): magic `\x93NUMPY`, two version bytes, a
 * little-endian header length (uint16 in 1.0, uint32 in 2.0/3.0), a Python-literal dict
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded so the data starts on a 64-byte
 * boundary, then the raw elements. See specs/data-container.md ".npy and .npz".
 */

/** An unnamed array as stored in a file; dims come from metadata or the data contract. */
export interface NpyArray {
  readonly dtype: DataDType;
  readonly shape: Shape;
  readonly data: DataArray;
}

export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: number[];
  /** Byte offset of the first element. */
  readonly dataOffset: number;
}

/** Where an array comes from, for error messages. */
export interface NpySource {
  readonly file: string;
  readonly key?: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR_OF: Readonly<Record<DataDType, string>> = {
  float32: '<f4',
  float64: '<f8',
  int32: '<i4',
  int64: '<i8',
  bool: '|b1',
  uint8: '|u1',
  complex64: '<c8',
};

// The type character and size after the byte-order mark; byte order is checked separately.
const DTYPE_OF: Readonly<Record<string, DataDType>> = { f4: 'float32', f8: 'float64', i4: 'int32', i8: 'int64', b1: 'bool', u1: 'uint8', c8: 'complex64' };

const SUPPORTED = 'float32, float64, int32, int64, bool, uint8, complex64';

// Typed arrays use the host byte order and .npy data is little-endian; every platform Node ships for is LE.
if (endianness() !== 'LE') throw new Error('tandem reads and writes .npy data as little-endian and needs a little-endian host');

export function parseNpyHeader(bytes: Uint8Array, where: NpySource): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataFormatError(where.file, 'the .npy magic string \\x93NUMPY is missing', where.key);
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new DataFormatError(where.file, `.npy format version ${major}.${bytes[7]} is unknown (1.0-3.0 are read)`, where.key);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new DataFormatError(where.file, 'the .npy header is truncated', where.key);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lenBytes + headerLen;
  if (bytes.length < dataOffset) throw new DataFormatError(where.file, 'the .npy header is truncated', where.key);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, dataOffset));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  if (!descr) {
    const structured = /['"]descr['"]\s*:\s*\[/.test(text);
    throw new DataFormatError(
      where.file,
      structured ? 'structured (record) arrays are not supported' : `the .npy header has no dtype: ${text.trim()}`,
      where.key,
      structured ? 'save each field as its own array' : 're-generate or re-download the file',
    );
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!fortran || !shape) throw new DataFormatError(where.file, `the .npy header is malformed: ${text.trim()}`, where.key);
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (!dims.every((d) => /^\d+L?$/.test(d))) throw new DataFormatError(where.file, `the .npy header has a malformed shape (${shape[1]})`, where.key);
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: dims.map((d) => parseInt(d, 10)), dataOffset };
}

/** Maps a numpy dtype descriptor to ours, or explains how to convert the array. */
export function dtypeOfDescr(descr: string, where: NpySource): DataDType {
  const order = descr[0];
  const code = descr.slice(1);
  if (order === '>' && code !== 'u1' && code !== 'b1') {
    throw new DataFormatError(
      where.file,
      `the array is big-endian (${descr})`,
      where.key,
      "convert it to little-endian before saving: arr.astype(arr.dtype.newbyteorder('<'))",
    );
  }
  const dtype = DTYPE_OF[code];
  if (dtype === undefined || !['<', '|', '=', '>'].includes(order)) {
    const hint =
      code === 'c16'
        ? 'complex128 is not read: save it as complex64 (arr.astype(np.complex64))'
        : code === 'O'
          ? 'pickled object arrays cannot be read outside Python: save numeric arrays only'
          : `convert it to one of ${SUPPORTED} before saving (arr.astype(...))`;
    throw new DataFormatError(where.file, `dtype ${descr} is not supported`, where.key, hint);
  }
  return dtype;
}

/** Decodes one .npy; Fortran-order data is transposed to row-major. Linear time, one copy of the data. */
export function decodeNpy(bytes: Uint8Array, where: NpySource): NpyArray {
  const header = parseNpyHeader(bytes, where);
  const dtype = dtypeOfDescr(header.descr, where);
  const count = sizeOf(header.shape);
  const nbytes = count * byteSizeOf(dtype);
  const available = bytes.length - header.dataOffset;
  if (available !== nbytes) {
    throw new DataFormatError(
      where.file,
      `${available < nbytes ? 'the data is truncated' : 'there are trailing bytes after the data'}: ${dtype} [${header.shape.join(', ')}] needs ${nbytes} bytes, the entry holds ${available}`,
      where.key,
    );
  }
  // ArrayBuffer.slice copies into a fresh, aligned buffer: zip entries start at arbitrary byte offsets.
  const start = bytes.byteOffset + header.dataOffset;
  const buffer = bytes.buffer.slice(start, start + nbytes) as ArrayBuffer;
  const data = viewAs(dtype, buffer);
  if (!header.fortranOrder || header.shape.length < 2) return { dtype, shape: header.shape, data };
  // Fortran order is the row-major layout of the reversed shape; reversing the axes back gives row-major.
  const reversed = [...header.shape].reverse();
  const perm = reversed.map((_, i) => reversed.length - 1 - i);
  return { dtype, shape: header.shape, data: transposeData(data, reversed, perm, lanesOf(dtype)) };
}

function viewAs(dtype: DataDType, buffer: ArrayBuffer): DataArray {
  const empty = allocateData(dtype, 0);
  return new (empty.constructor as new (b: ArrayBuffer) => DataArray)(buffer);
}

/** Encodes an array as .npy version 1.0 (2.0 if the header is too long), row-major, little-endian. */
export function encodeNpy(array: NpyArray): Uint8Array {
  const { dtype, shape, data } = array;
  if (!isArrayFor(dtype, data) || data.length !== sizeOf(shape) * lanesOf(dtype)) {
    throw new RangeError(`cannot encode ${dtype} [${shape.join(', ')}] from a ${data.constructor.name} of length ${data.length}`);
  }
  const body = dtype === 'bool' ? normalizedBool(data as Uint8Array) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return withHeader(DESCR_OF[dtype], shape, body);
}

/** numpy reads any non-zero byte as True but prints and compares oddly: store bools as 0/1. */
function normalizedBool(data: Uint8Array): Uint8Array {
  if (data.every((v) => v <= 1)) return data;
  return data.map((v) => (v !== 0 ? 1 : 0));
}

function withHeader(descr: string, shape: Shape, body: Uint8Array): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const version = dict.length + 1 + 10 > 0xffff ? 2 : 1;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  out.set(body, total);
  return out;
}

/** A rank-0 numpy unicode string (`<U{n}`, what `np.array("text")` saves): how JSON metadata is stored. */
export function encodeNpyText(text: string): Uint8Array {
  const codePoints = Uint32Array.from([...text], (ch) => ch.codePointAt(0)!);
  return withHeader(`<U${Math.max(codePoints.length, 1)}`, [], new Uint8Array(codePoints.length > 0 ? codePoints.buffer : new ArrayBuffer(4)));
}

/** Reads text saved as a numpy str (`<U`), bytes (`|S`) or a uint8 array of UTF-8. */
export function decodeNpyText(bytes: Uint8Array, where: NpySource): string {
  const header = parseNpyHeader(bytes, where);
  const body = bytes.subarray(header.dataOffset);
  const unicode = /^[<|=]U(\d+)$/.exec(header.descr);
  if (unicode && sizeOf(header.shape) === 1) {
    const n = Math.min(parseInt(unicode[1], 10), Math.floor(body.length / 4));
    const words = new DataView(body.buffer, body.byteOffset, body.byteLength);
    let text = '';
    for (let i = 0; i < n; i++) {
      const cp = words.getUint32(4 * i, true);
      if (cp === 0) break; // numpy pads short strings with NULs
      text += String.fromCodePoint(cp);
    }
    return text;
  }
  if (/^\|S\d+$/.test(header.descr) || header.descr === '|u1') {
    return new TextDecoder('utf-8').decode(body).replace(/\0+$/, '');
  }
  throw new DataFormatError(where.file, `a text entry must be a numpy str, bytes or uint8 array, got dtype ${header.descr}`, where.key);
}
