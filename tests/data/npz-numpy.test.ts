// Round trips with real numpy, both ways, for every dtype: specs/data-container.md ".npy and .npz" and "Metadata".
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFormatError } from '../../src/data/errors.ts';
import { namedTensor } from '../../src/data/named-tensor.ts';
import { readNpzFile, writeNpzFile } from '../../src/data/npz.ts';
import type { RawArray } from '../../src/data/raw-data.ts';
import { catchError, python } from './numpy.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tandem-npz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Flattens our data for comparison with numpy's `.ravel().tolist()` (complex as [re, im] pairs). */
function values(a: RawArray): unknown[] {
  if (a.dtype === 'complex64') {
    const out: number[][] = [];
    for (let i = 0; i < a.data.length; i += 2) out.push([a.data[i] as number, a.data[i + 1] as number]);
    return out;
  }
  if (a.dtype === 'int64') return Array.from(a.data as BigInt64Array, (v) => v.toString());
  if (a.dtype === 'bool') return Array.from(a.data as Uint8Array, (v) => v === 1);
  return Array.from(a.data as ArrayLike<number>);
}

// numpy side: every dtype, odd shapes, rank 0, Fortran order; int64 as strings since JSON numbers lose precision.
const NUMPY_ARRAYS = `
rng = np.random.default_rng(7)
arrays = {
  'f32': rng.standard_normal((3, 4)).astype(np.float32),
  'f64': rng.standard_normal((2, 3, 2)),
  'i32': np.array([[-2147483648, 0, 2147483647]], dtype=np.int32),
  'i64': np.array([-(2**63), -1, 2**53 + 1, 2**63 - 1], dtype=np.int64),
  'b': np.array([[True, False], [False, True], [True, True]]),
  'u8': np.arange(250, 256, dtype=np.uint8).reshape(2, 3),
  'c64': (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(np.complex64),
  'scalar': np.array(3.5, dtype=np.float32),
  'empty': np.zeros((0, 3), dtype=np.float64),
  'fortran': np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4)),
  'fortran_c64': np.asfortranarray((np.arange(6) + 1j * np.arange(6)[::-1]).reshape(2, 3).astype(np.complex64)),
}
def flat(a):
  if a.dtype == np.complex64: return [[float(z.real), float(z.imag)] for z in a.ravel()]
  if a.dtype == np.int64: return [str(v) for v in a.ravel()]
  return a.ravel().tolist()
`;

describe('numpy writes, tandem reads', () => {
  for (const compressed of [false, true]) {
    it(`reads every dtype, rank 0, empty and Fortran-order arrays from np.${compressed ? 'savez_compressed' : 'savez'}`, async () => {
      const file = join(dir, `from-numpy-${compressed}.npz`);
      const expected = await python<Record<string, { dtype: string; shape: number[]; values: unknown[] }>>(
        `${NUMPY_ARRAYS}
np.${compressed ? 'savez_compressed' : 'savez'}(sys.argv[1], **arrays)
print(json.dumps({k: {'dtype': str(a.dtype), 'shape': list(a.shape), 'values': flat(a)} for k, a in arrays.items()}))`,
        [file],
      );
      const raw = readNpzFile(file);
      expect([...raw.arrays.keys()].sort()).toEqual(Object.keys(expected).sort());
      const numpyName: Record<string, string> = { bool: 'bool', complex64: 'complex64' };
      for (const [key, want] of Object.entries(expected)) {
        const got = raw.arrays.get(key)!;
        expect(numpyName[got.dtype] ?? got.dtype, key).toBe(want.dtype);
        expect(got.shape, key).toEqual(want.shape);
        expect(values(got), key).toEqual(want.values);
        expect(got.dims, key).toBeUndefined(); // no tandem metadata in a plain numpy file
      }
    });
  }

  it('reads dims and units from a __meta__ entry written by numpy with a plain str array', async () => {
    const file = join(dir, 'meta-from-numpy.npz');
    await python(
      `meta = {'format': 'tandem.npz', 'version': 1, 'dims': {'u': ['batch', 'x']}, 'units': {'u': 'm/s'}, 'attrs': {'nu': 0.01, 'note': 'Δt ünïcode'}}
np.savez(sys.argv[1], u=np.ones((2, 5), np.float32), __meta__=np.array(json.dumps(meta, ensure_ascii=False)))
print('{}')`,
      [file],
    );
    const raw = readNpzFile(file);
    expect(raw.arrays.get('u')!.dims).toEqual(['batch', 'x']);
    expect(raw.arrays.get('u')!.units).toBe('m/s');
    expect(raw.attrs).toEqual({ nu: 0.01, note: 'Δt ünïcode' });
    expect(raw.arrays.has('__meta__')).toBe(false);
  });

  it('refuses big-endian arrays with the key and the numpy call that fixes them', async () => {
    const file = join(dir, 'big-endian.npz');
    await python(`np.savez(sys.argv[1], ok=np.zeros(2, np.float32), be=np.zeros(3, '>f4'))\nprint('{}')`, [file]);
    const err = catchError(() => readNpzFile(file));
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).key).toBe('be');
    expect((err as Error).message).toMatch(/big-endian \(>f4\).*newbyteorder\('<'\)/);
  });

  it('refuses complex128 and object arrays with a conversion hint', async () => {
    const c128 = join(dir, 'c128.npz');
    await python(`np.savez(sys.argv[1], z=np.zeros(2, np.complex128))\nprint('{}')`, [c128]);
    expect(() => readNpzFile(c128)).toThrow(/entry "z".*dtype <c16 is not supported.*astype\(np.complex64\)/);
    const obj = join(dir, 'object.npz');
    await python(`np.savez(sys.argv[1], o=np.array([{'a': 1}], dtype=object))\nprint('{}')`, [obj]);
    expect(() => readNpzFile(obj)).toThrow(/dtype \|O is not supported.*pickled object arrays/);
  });
});

describe('tandem writes, numpy reads', () => {
  for (const compress of [false, true]) {
    it(`writes every dtype so np.load(allow_pickle=False) gets the same dtypes, shapes and values (compress=${compress})`, async () => {
      const file = join(dir, `from-tandem-${compress}.npz`);
      const arrays = {
        f32: namedTensor('float32', [2, 3], ['batch', 'x'], Float32Array.from([0.1, -2, 3e-20, 4e30, -0, 7.25])),
        f64: namedTensor('float64', [3], ['x'], Float64Array.from([Math.PI, -1e-300, 1e300])),
        i32: namedTensor('int32', [1, 2], ['a', 'b'], Int32Array.from([-2147483648, 2147483647])),
        i64: namedTensor('int64', [2], ['n'], BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n])),
        b: namedTensor('bool', [4], ['n'], Uint8Array.from([1, 0, 0, 1])),
        u8: namedTensor('uint8', [2, 2], ['y', 'x'], Uint8Array.from([0, 1, 254, 255])),
        c64: namedTensor('complex64', [2], ['k'], Float32Array.from([1.5, -2.5, 0, 3])),
        scalar: namedTensor('float64', [], [], Float64Array.from([2.75])),
      };
      writeNpzFile(file, { ...arrays, u8: { ...arrays.u8, units: 'counts' } }, { attrs: { step: 3 }, compress });
      const got = await python<{ meta: unknown; arrays: Record<string, { dtype: string; shape: number[]; values: unknown[] }> }>(
        `z = np.load(sys.argv[1], allow_pickle=False)
def flat(a):
  if a.dtype == np.complex64: return [[float(v.real), float(v.imag)] for v in a.ravel()]
  if a.dtype == np.int64: return [str(v) for v in a.ravel()]
  return a.ravel().tolist()
print(json.dumps({'meta': json.loads(str(z['__meta__'])), 'arrays': {k: {'dtype': str(z[k].dtype), 'shape': list(z[k].shape), 'values': flat(z[k])} for k in z.files if k != '__meta__'}}))`,
        [file],
      );
      for (const [key, t] of Object.entries(arrays)) {
        const want = got.arrays[key];
        expect(want.dtype, key).toBe(t.dtype);
        expect(want.shape, key).toEqual(t.shape);
        expect(want.values, key).toEqual(values(t));
      }
      expect(got.meta).toEqual({
        format: 'tandem.npz',
        version: 1,
        dims: Object.fromEntries(Object.entries(arrays).map(([k, t]) => [k, t.dims])),
        units: { u8: 'counts' },
        attrs: { step: 3 },
      });
    });
  }

  it('round-trips tandem → tandem, keeping dims, units and attrs', async () => {
    const file = join(dir, 'self.npz');
    const c = namedTensor('complex64', [2, 1], ['x', 'y'], Float32Array.from([1, 2, 3, 4]));
    writeNpzFile(file, { c: { ...c, units: 'a.u.' } }, { attrs: { seed: 1 } });
    const raw = readNpzFile(file);
    const back = raw.arrays.get('c')!;
    expect(back).toMatchObject({ dtype: 'complex64', shape: [2, 1], dims: ['x', 'y'], units: 'a.u.' });
    expect(Array.from(back.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(raw.attrs).toEqual({ seed: 1 });
  });
});
