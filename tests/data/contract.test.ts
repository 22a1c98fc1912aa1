// DataContract validation: specs/data-container.md "DataContract" and "Errors".
import { describe, expect, it } from 'vitest';
import { validate, type DataContract } from '../../src/data/contract.ts';
import { DataContractError, DataKeyMissingError, DataNonFiniteError } from '../../src/data/errors.ts';
import type { RawArray, RawData } from '../../src/data/raw-data.ts';
import { catchError } from './numpy.ts';

function raw(arrays: Record<string, RawArray>): RawData {
  return { source: 'data/set.npz', arrays: new Map(Object.entries(arrays)), attrs: {} };
}
const f32 = (shape: number[], dims?: string[], fill = (i: number) => i): RawArray => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, data: Float32Array.from({ length: n }, (_, i) => fill(i)), ...(dims && { dims }) };
};

const contract: DataContract = {
  keys: {
    diffraction: { dtype: 'float32', dims: ['batch', 'x', 'y'], shape: ['n', 4, 4], units: 'amplitude' },
    xcoords: { dtype: 'float64', dims: ['batch'], shape: ['n'] },
    probe: { dtype: 'complex64', dims: ['x', 'y'], shape: [4, '*'], allowNonFinite: true },
    labels: { dtype: 'int64', dims: ['batch'], shape: ['n'], optional: true },
  },
};
const good = () => ({
  diffraction: f32([3, 4, 4]),
  xcoords: { dtype: 'float64', shape: [3], data: Float64Array.from([1, 2, 3]) } as RawArray,
  probe: { dtype: 'complex64', shape: [4, 5], data: new Float32Array(40).fill(Number.NaN) } as RawArray,
  extra: f32([2]),
});

describe('validate', () => {
  it('accepts a conforming file: assigns contract dims, binds symbols, keeps units, ignores extra keys', () => {
    const v = validate(raw(good()), contract);
    expect(v.sizes).toEqual({ n: 3 });
    expect(v.arrays.get('diffraction')).toMatchObject({ dims: ['batch', 'x', 'y'], shape: [3, 4, 4], units: 'amplitude' });
    expect(v.arrays.get('probe')).toMatchObject({ dims: ['x', 'y'], shape: [4, 5] });
    expect(v.arrays.has('labels')).toBe(false);
    expect(v.ignoredKeys).toEqual(['extra']);
  });

  it('permutes a file stored in another dim order by name', () => {
    // stored (x, y, batch), 2×2×3: element (x, y, b) = 100x + 10y + b
    const stored = f32([2, 2, 3], ['x', 'y', 'batch'], (i) => 100 * Math.floor(i / 6) + 10 * (Math.floor(i / 3) % 2) + (i % 3));
    const v = validate(raw({ u: stored }), { keys: { u: { dtype: 'float32', dims: ['batch', 'x', 'y'] } } });
    const u = v.arrays.get('u')!;
    expect(u.shape).toEqual([3, 2, 2]);
    expect(Array.from(u.data as Float32Array)).toEqual([0, 10, 100, 110, 1, 11, 101, 111, 2, 12, 102, 112]);
  });

  it('names the missing key and lists what the file holds', () => {
    const arrays = good() as Record<string, RawArray>;
    delete arrays.xcoords;
    const err = catchError(() => validate(raw(arrays), contract));
    expect(err).toBeInstanceOf(DataKeyMissingError);
    expect(err.message).toBe(
      'data/set.npz: required key "xcoords" is missing; the file holds "diffraction", "probe", "extra". ' +
        'Rename the array in the file, or change the key in the adapter contract (or mark it optional)',
    );
  });

  it.each([
    ['a wrong dtype', { xcoords: { dtype: 'float32', shape: [3], data: new Float32Array(3) } }, /key "xcoords": dtype is float32, the contract requires float64\. Convert it .*astype\(np\.float64\)/],
    ['a wrong rank', { diffraction: f32([3, 16]) }, /key "diffraction": has rank 2 \(shape \[3, 16\]\), the contract expects rank 3 \(batch, x, y\)/],
    ['a wrong fixed size', { diffraction: f32([3, 4, 5]) }, /key "diffraction": axis "y" has size 5, the contract requires 4/],
    ['disagreeing symbols', { xcoords: { dtype: 'float64', shape: [2], data: new Float64Array(2) } }, /key "xcoords": axis "batch" has size 2, but size "n" is 3 in diffraction\.batch/],
    ['other stored dims', { diffraction: f32([3, 4, 4], ['batch', 'h', 'w']) }, /stored with dims \(batch, h, w\), the contract expects \(batch, x, y\)/],
    ['other stored units', { diffraction: { ...f32([3, 4, 4]), units: 'counts' } }, /the file stores units "counts", the contract requires "amplitude"/],
  ])('rejects %s with the file, key and reason', (_, patch, message) => {
    const err = catchError(() => validate(raw({ ...good(), ...(patch as Record<string, RawArray>) }), contract));
    expect(err).toBeInstanceOf(DataContractError);
    expect(err.message).toMatch(/^data\/set\.npz: /);
    expect(err.message).toMatch(message);
  });

  it('reports the first NaN/Inf by named index and counts them, unless allowed', () => {
    const d = f32([3, 4, 4], undefined, (i) => (i === 21 ? Number.POSITIVE_INFINITY : i === 40 ? Number.NaN : 0));
    const err = catchError(() => validate(raw({ ...good(), diffraction: d }), contract)) as DataNonFiniteError;
    expect(err).toBeInstanceOf(DataNonFiniteError);
    expect(err.index).toEqual([1, 1, 1]);
    expect(err.message).toBe(
      'data/set.npz: key "diffraction" holds 2 non-finite values, the first (Infinity) at [batch=1, x=1, y=1]. ' +
        'Clean the data (e.g. np.nan_to_num) or set allowNonFinite: true for this key in the adapter contract',
    );
  });

  it('counts complex elements, not parts, and reports the bad part', () => {
    const z = new Float32Array(8); // 4 complex elements along k
    z[2] = Number.NaN; // element 1: both parts NaN
    z[3] = Number.NaN;
    z[7] = Number.NEGATIVE_INFINITY; // element 3: imaginary part
    const err = catchError(() => validate(raw({ z: { dtype: 'complex64', shape: [4], data: z } }), { keys: { z: { dtype: 'complex64', dims: ['k'] } } }));
    expect(err).toMatchObject({ index: [1], count: 2, value: 'NaN' });
  });

  it('rejects a malformed contract before looking at data', () => {
    expect(() => validate(raw(good()), { keys: { a: { dtype: 'float32', dims: ['x', 'x'] } } })).toThrow(/dim "x" appears twice/);
    expect(() => validate(raw(good()), { keys: { a: { dtype: 'float32', dims: ['x'], shape: [1, 2] } } })).toThrow(/shape has 2 entries for 1 dims/);
    expect(() => validate(raw(good()), { keys: { a: { dtype: 'float16' as 'float32', dims: ['x'] } } })).toThrow();
  });
});
