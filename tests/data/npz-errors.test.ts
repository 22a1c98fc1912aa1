// Damaged, missing and unusual files: specs/data-container.md ".npy and .npz" and "Errors".
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { allocateData, type DataArray } from '../../src/data/data-dtype.ts';
import { DataFileNotFoundError, DataFormatError } from '../../src/data/errors.ts';
import { namedTensor } from '../../src/data/named-tensor.ts';
import { decodeNpy, encodeNpy, encodeNpyText } from '../../src/data/npy.ts';
import { decodeNpz, encodeNpz, readNpzFile, writeNpzFile } from '../../src/data/npz.ts';
import { Rng } from '../../src/data/rng.ts';
import { writeZip } from '../../src/data/zip.ts';
import { catchError, python } from './numpy.ts';

const dir = mkdtempSync(join(tmpdir(), 'tandem-npz-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sample = { u: namedTensor('float32', [4, 8], ['batch', 'x'], Float32Array.from({ length: 32 }, (_, i) => i / 7)) };

describe('files that cannot be read', () => {
  it('names a missing file, where it was looked for, and says to check the path', () => {
    const err = catchError(() => readNpzFile(join(dir, 'nope', 'data.npz')));
    expect(err).toBeInstanceOf(DataFileNotFoundError);
    expect(err.message).toMatch(/data file ".*nope\/data\.npz" cannot be read \(no such file; resolved to .*\): check the path/);
  });

  it('reports a truncated archive as not a valid zip/npz, with what to do', () => {
    const bytes = encodeNpz(sample);
    for (const cut of [bytes.length - 10, Math.floor(bytes.length / 2), 5]) {
      const file = join(dir, `cut-${cut}.npz`);
      writeFileSync(file, bytes.subarray(0, cut));
      const err = catchError(() => readNpzFile(file));
      expect(err, `cut at ${cut}`).toBeInstanceOf(DataFormatError);
      expect(err.message).toMatch(/cut-\d+\.npz.*not a valid zip\/npz: .*; re-generate or re-download the file/);
    }
  });

  it('detects a flipped byte in a stored entry by its CRC-32 and names the entry', () => {
    const bytes = encodeNpz(sample).slice();
    bytes[200] ^= 0x40; // inside u.npy's data (header is 128 bytes after a ~36-byte local header)
    expect(() => decodeNpz(bytes, 'flipped.npz')).toThrow(/flipped\.npz: entry "u\.npy": not a valid zip\/npz: its CRC-32 checksum does not match/);
  });

  it('detects damage inside a deflated entry', () => {
    const bytes = encodeNpz(sample, { compress: true }).slice();
    bytes[60] ^= 0xff;
    expect(() => decodeNpz(bytes, 'deflated.npz')).toThrow(DataFormatError);
  });

  it('rejects a zip whose .npy entry is shorter than its header declares', () => {
    const npy = encodeNpy(sample.u);
    const zip = writeZip(new Map([['u.npy', npy.subarray(0, npy.length - 4)]]), false);
    expect(() => decodeNpz(zip, 'short.npz')).toThrow(/entry "u": not a valid zip\/npz: the data is truncated: float32 \[4, 8\] needs 128 bytes, the entry holds 124/);
    expect(() => decodeNpz(new TextEncoder().encode('just text, not a zip at all.'), 'text.npz')).toThrow(/no zip end-of-central-directory record/);
    expect(() => decodeNpy(new Uint8Array(20), { file: 'x.npy' })).toThrow(/magic string/);
  });

  it('rejects metadata that is not JSON, not ours, or does not fit the arrays', () => {
    const withMeta = (text: string) => writeZip(new Map([['u.npy', encodeNpy(sample.u)], ['__meta__.npy', encodeNpyText(text)]]), false);
    expect(() => decodeNpz(withMeta('{oops'), 'm.npz')).toThrow(/entry "__meta__": not a valid zip\/npz: the metadata is not JSON/);
    expect(() => decodeNpz(withMeta('{"format": "phiml"}'), 'm.npz')).toThrow(/not a tandem\.npz document.*rename or remove the "__meta__" array/);
    expect(() => decodeNpz(withMeta('{"format": "tandem.npz", "version": 2}'), 'm.npz')).toThrow(/metadata version 2 is newer.*upgrade tandem/);
    expect(() => decodeNpz(withMeta('{"format": "tandem.npz", "version": 1, "dims": {"u": ["x"]}}'), 'm.npz')).toThrow(/metadata dims of "u" do not fit its shape \[4, 8\]/);
    expect(() => decodeNpz(withMeta('{"format": "tandem.npz", "version": 1, "dims": {"v": ["x"]}}'), 'm.npz')).toThrow(/names dims for key "v", which is not in the file/);
  });

  it('refuses structured arrays with a hint', async () => {
    const file = join(dir, 'structured.npz');
    await python(`np.savez(sys.argv[1], rec=np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]))\nprint('{}')`, [file]);
    expect(() => readNpzFile(file)).toThrow(/entry "rec".*structured \(record\) arrays are not supported; save each field as its own array/);
  });
});

describe('unusual but valid files', () => {
  it('reads .npy format versions 2.0 and 3.0 written by numpy', async () => {
    const file = join(dir, 'versions.npz');
    await python(
      `import zipfile, io
with zipfile.ZipFile(sys.argv[1], 'w') as z:
  for name, version in (('v2', (2, 0)), ('v3', (3, 0))):
    b = io.BytesIO(); np.lib.format.write_array(b, np.arange(6, dtype=np.int32).reshape(3, 2), version=version); z.writestr(name + '.npy', b.getvalue())
print('{}')`,
      [file],
    );
    const raw = readNpzFile(file);
    for (const key of ['v2', 'v3']) {
      expect(raw.arrays.get(key)).toMatchObject({ dtype: 'int32', shape: [3, 2] });
      expect(Array.from(raw.arrays.get(key)!.data as Int32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });

  it('writes atomically: no temporary file is left next to the target', () => {
    const file = join(dir, 'atomic', 'out.npz');
    writeNpzFile(file, sample);
    writeNpzFile(file, sample); // overwrite
    expect(readFileSync(file).length).toBe(encodeNpz(sample).length);
    expect(readNpzFile(file).arrays.get('u')!.dims).toEqual(['batch', 'x']);
  });

  it('refuses to write an array named like the metadata entry, or dims that do not fit', () => {
    expect(() => encodeNpz({ __meta__: sample.u })).toThrow(/reserved/);
    expect(() => encodeNpz({ u: { ...sample.u, dims: ['batch'] } })).toThrow(/1 dim names/);
  });
});

describe('round trip, tandem → tandem', () => {
  it('returns every dtype, shape and value unchanged, stored or deflated (property)', () => {
    const dtypes = ['float32', 'float64', 'int32', 'int64', 'bool', 'uint8', 'complex64'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...dtypes),
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
        fc.boolean(),
        fc.integer(),
        (dtype, shape, compress, seed) => {
          const n = shape.reduce((a, b) => a * b, 1) * (dtype === 'complex64' ? 2 : 1);
          const rng = new Rng(seed);
          const data =
            dtype === 'int64'
              ? BigInt64Array.from({ length: n }, () => (BigInt(rng.nextUint32()) << 32n) | BigInt(rng.nextUint32()))
              : dtype === 'bool'
                ? Uint8Array.from({ length: n }, () => rng.int(2))
                : (allocateData(dtype, 0).constructor as unknown as { from(a: ArrayLike<number>): DataArray }).from(
                    Array.from({ length: n }, () => (dtype === 'float32' || dtype === 'float64' || dtype === 'complex64' ? rng.normal() * 1e3 : rng.nextUint32())),
                  );
          const t = namedTensor(dtype, shape, shape.map((_, i) => `d${i}`), data);
          const back = decodeNpz(encodeNpz({ t }, { compress }), 'mem').arrays.get('t')!;
          expect(back).toEqual({ ...t, units: undefined });
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});
