import { inflateSync, zipSync } from 'fflate';
import { DataFormatError } from './errors.ts';

/**
 * The zip container of .npz files. Reading is our own central-directory walk (so a damaged file gets an error
 * naming the entry and the problem, and CRC-32 is verified) with fflate inflating deflated entries; zip64
 * records are understood because numpy's `savez` forces zip64 headers. Writing uses fflate's `zipSync`, which
 * has no zip64: an archive must stay below 4 GiB.
 */

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

/** Entry name → uncompressed bytes, in archive order. */
export function readZip(bytes: Uint8Array, file: string): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (detail: string, entry?: string): never => {
    throw new DataFormatError(file, detail, entry);
  };
  let eocd = -1;
  for (let p = bytes.length - 22; p >= 0 && p >= bytes.length - 22 - 0xffff; p--) {
    if (view.getUint32(p, true) === EOCD) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) fail(`no zip end-of-central-directory record in ${bytes.length} bytes (the file is truncated or not a zip)`);
  let count = view.getUint16(eocd + 10, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const z = Number(view.getBigUint64(eocd - 12, true));
    if (z + 56 > bytes.length || view.getUint32(z, true) !== ZIP64_EOCD) fail('the zip64 end-of-central-directory record is damaged');
    count = Number(view.getBigUint64(z + 32, true));
    dirOffset = Number(view.getBigUint64(z + 48, true));
  }

  const entries = new Map<string, Uint8Array>();
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL) fail(`central directory entry ${i + 1} of ${count} is damaged`);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let compressed = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field (id 1): 8-byte values, present only for the fields saturated at 0xFFFFFFFF, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; e += 4 + view.getUint16(e + 2, true)) {
      if (view.getUint16(e, true) !== 1) continue;
      let f = e + 4;
      if (size === U32_MAX) (size = Number(view.getBigUint64(f, true))), (f += 8);
      if (compressed === U32_MAX) (compressed = Number(view.getBigUint64(f, true))), (f += 8);
      if (local === U32_MAX) local = Number(view.getBigUint64(f, true));
    }
    p += 46 + nameLen + extraLen + commentLen;

    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL) fail('its local header is missing (the file is truncated or damaged)', name);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + compressed > bytes.length) fail(`its data is truncated (${compressed} bytes declared, ${Math.max(0, bytes.length - start)} present)`, name);
    const raw = bytes.subarray(start, start + compressed);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = inflateSync(raw, { out: new Uint8Array(size) });
      } catch (e) {
        return fail(`its deflate stream is damaged (${(e as Error).message})`, name);
      }
    } else return fail(`compression method ${method} is not supported (only stored and deflate)`, name);
    if (data.length !== size) fail(`it inflates to ${data.length} bytes, the directory says ${size}`, name);
    if (crc32(data) !== crc) fail('its CRC-32 checksum does not match (the data is corrupted)', name);
    entries.set(name, data);
  }
  return entries;
}

/** Builds a zip; `compress` deflates (level 6), otherwise entries are stored, which is fastest for float data. */
export function writeZip(entries: ReadonlyMap<string, Uint8Array>, compress: boolean): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, data] of entries) files[name] = data;
  return zipSync(files, { level: compress ? 6 : 0 });
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zip uses), table driven: linear, no allocation after the first call. */
export function crc32(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
