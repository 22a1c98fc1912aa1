import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { DataError, DataFileNotFoundError, DataFormatError } from './errors.ts';
import { checkDims } from './named-tensor.ts';
import { decodeNpy, decodeNpyText, encodeNpy, encodeNpyText, type NpyArray } from './npy.ts';
import type { RawArray, RawData } from './raw-data.ts';
import { readZip, writeZip } from './zip.ts';

/**
 * .npz files: a zip of `<key>.npy` entries, as `np.savez` writes them. tandem's dim names, units and free
 * attributes live in one extra entry, `__meta__`, holding a JSON document as a rank-0 numpy str, readable with
 * `allow_pickle=False`: `json.loads(str(np.load(f)['__meta__']))`. See specs/data-container.md "Metadata".
 */
export const META_KEY = '__meta__';
export const META_FORMAT = 'tandem.npz';

export interface NpzMeta {
  format: typeof META_FORMAT;
  version: 1;
  /** Dim names per key, one per axis in stored order. */
  dims: Record<string, string[]>;
  units: Record<string, string>;
  attrs: Record<string, unknown>;
}

/** An array to write; `dims` and `units` go into the metadata entry. */
export interface NpzEntry extends NpyArray {
  readonly dims?: readonly string[];
  readonly units?: string;
}

export interface WriteNpzOptions {
  /** JSON-serialisable attributes stored with the arrays (config hash, step, ...). */
  readonly attrs?: Record<string, unknown>;
  /** Deflate the entries (`np.savez_compressed`); default false, stored entries are faster to read and write. */
  readonly compress?: boolean;
}

export function encodeNpz(arrays: ReadonlyMap<string, NpzEntry> | Record<string, NpzEntry>, options: WriteNpzOptions = {}): Uint8Array {
  const map = arrays instanceof Map ? arrays : new Map(Object.entries(arrays));
  const entries = new Map<string, Uint8Array>();
  const meta: NpzMeta = { format: META_FORMAT, version: 1, dims: {}, units: {}, attrs: options.attrs ?? {} };
  for (const [key, a] of map) {
    if (key === META_KEY) throw new RangeError(`"${META_KEY}" is reserved for tandem's metadata entry: rename the array`);
    if (a.dims) {
      checkDims(a.dims, a.shape);
      meta.dims[key] = [...a.dims];
    }
    if (a.units !== undefined) meta.units[key] = a.units;
    entries.set(`${key}.npy`, encodeNpy(a));
  }
  const hasMeta = Object.keys(meta.dims).length + Object.keys(meta.units).length + Object.keys(meta.attrs).length > 0;
  if (hasMeta) entries.set(`${META_KEY}.npy`, encodeNpyText(JSON.stringify(meta)));
  return writeZip(entries, options.compress ?? false);
}

/** Decodes an .npz held in memory; `file` names it in errors. Arrays keep the file's order. */
export function decodeNpz(bytes: Uint8Array, file: string): RawData {
  const entries = readZip(bytes, file);
  const arrays = new Map<string, RawArray>();
  let meta: NpzMeta | undefined;
  for (const [name, data] of entries) {
    if (!name.endsWith('.npy')) continue; // numpy's own loader ignores other members too
    const key = name.slice(0, -4);
    if (key === META_KEY) meta = parseMeta(decodeNpyText(data, { file, key }), file);
    else arrays.set(key, decodeNpy(data, { file, key }));
  }
  if (!meta) return { source: file, arrays, attrs: {} };
  for (const [key, dims] of Object.entries(meta.dims)) {
    const a = arrays.get(key);
    if (!a) throw new DataFormatError(file, `the metadata names dims for key "${key}", which is not in the file`, META_KEY);
    try {
      checkDims(dims, a.shape);
    } catch (e) {
      throw new DataFormatError(file, `the metadata dims of "${key}" do not fit its shape [${a.shape.join(', ')}]: ${(e as Error).message}`, META_KEY);
    }
  }
  for (const [key, a] of arrays) {
    arrays.set(key, { ...a, dims: meta.dims[key], units: meta.units[key] });
  }
  return { source: file, arrays, attrs: meta.attrs };
}

function parseMeta(text: string, file: string): NpzMeta {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DataFormatError(file, `the metadata is not JSON (${(e as Error).message})`, META_KEY);
  }
  const m = value as Partial<NpzMeta> | null;
  if (typeof m !== 'object' || m === null || m.format !== META_FORMAT) {
    throw new DataFormatError(file, `the metadata is not a ${META_FORMAT} document (no "format": "${META_FORMAT}")`, META_KEY, `rename or remove the "${META_KEY}" array`);
  }
  if (m.version !== 1) throw new DataFormatError(file, `metadata version ${String(m.version)} is newer than this tandem reads (1)`, META_KEY, 'upgrade tandem');
  const dims = m.dims ?? {};
  const units = m.units ?? {};
  const ok =
    typeof dims === 'object' &&
    Object.values(dims).every((d) => Array.isArray(d) && d.every((n) => typeof n === 'string')) &&
    typeof units === 'object' &&
    Object.values(units).every((u) => typeof u === 'string');
  if (!ok) throw new DataFormatError(file, 'the metadata "dims" must map keys to lists of names and "units" keys to strings', META_KEY);
  return { format: META_FORMAT, version: 1, dims, units, attrs: m.attrs ?? {} };
}

/** Reads an .npz file; a missing file and a damaged archive give distinct, typed errors. */
export function readNpzFile(path: string): RawData {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES' || err.code === 'ENOTDIR') {
      const reason = { ENOENT: 'no such file', EISDIR: 'it is a directory', EACCES: 'permission denied', ENOTDIR: 'a parent is not a directory' }[err.code];
      throw new DataFileNotFoundError(path, resolve(path), reason);
    }
    throw new DataError(`${path}: cannot be read: ${err.message}`, path);
  }
  return decodeNpz(bytes, path);
}

/** Writes an .npz atomically (temporary file, then rename), so a reader never sees a half-written checkpoint. */
export function writeNpzFile(path: string, arrays: ReadonlyMap<string, NpzEntry> | Record<string, NpzEntry>, options: WriteNpzOptions = {}): void {
  writeFileAtomic(path, encodeNpz(arrays, options));
}
