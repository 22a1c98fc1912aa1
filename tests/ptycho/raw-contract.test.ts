import { describe, expect, it } from 'vitest';
import { DataContractError } from '../../src/data/errors.ts';
import { validatePtychoRaw } from '../../src/plugins/adapters/ptycho/ptycho-raw.ts';
import { handRaw } from './fixtures.ts';

// specs/ptycho.md §2 (the RawData contract and its known format problems).

describe('ptycho RawData contract', () => {
  it('accepts the upstream keys and binds n, N, H, W', () => {
    const { data, warnings } = validatePtychoRaw(handRaw());
    expect(data.sizes).toMatchObject({ n: 4, N: 2, H: 6, W: 6 });
    expect(warnings).toEqual([]);
  });

  it('reads the DATA-001 key "diffraction" as diff3d, with a warning', () => {
    const raw = handRaw();
    const seen: string[] = [];
    const { data } = validatePtychoRaw(handRaw({ diff3d: undefined, diffraction: raw.arrays.get('diff3d')! }), (m) => seen.push(m));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/key "diffraction" .* as "diff3d"/);
    expect(Array.from((data.arrays.get('diff3d')!.data as Float32Array).slice(0, 4))).toEqual([1, 1, 1, 1]);
  });

  it('converts the (H, W, N) layout (FORMAT-001) by name, with a warning, keeping every value in place', () => {
    // Pattern i is all (i + 1); make it distinguishable per pixel too: value = 10·i + pixel.
    const n = 2;
    const nhw = new Float32Array(4 * n * n);
    for (let i = 0; i < 4; i++) for (let p = 0; p < 4; p++) nhw[i * 4 + p] = 10 * i + p;
    const hwn = new Float32Array(nhw.length); // hwn[p, i] = nhw[i, p]
    for (let i = 0; i < 4; i++) for (let p = 0; p < 4; p++) hwn[p * 4 + i] = nhw[i * 4 + p];
    const seen: string[] = [];
    const { data } = validatePtychoRaw(handRaw({ diff3d: { dtype: 'float32', shape: [n, n, 4], data: hwn } }), (m) => seen.push(m));
    expect(seen[0]).toMatch(/stored \(H, W, N\) = \[2, 2, 4\] \(FORMAT-001\); transposed by name to \(batch, x, y\) = \[4, 2, 2\]/);
    expect(Array.from(data.arrays.get('diff3d')!.data as Float32Array)).toEqual(Array.from(nhw));
  });

  it('refuses complex diffraction with the key and the reason', () => {
    const bad = { dtype: 'complex64' as const, shape: [4, 2, 2], data: new Float32Array(32) };
    expect(() => validatePtychoRaw(handRaw({ diff3d: bad }))).toThrow(DataContractError);
    expect(() => validatePtychoRaw(handRaw({ diff3d: bad }))).toThrow(/hand\.npz: key "diff3d": holds complex64 values where float32 diffraction AMPLITUDES are expected/);
  });

  it('refuses negative "amplitudes" and float64 diffraction (with the astype fix)', () => {
    const neg = new Float32Array(16).fill(1);
    neg[5] = -2;
    expect(() => validatePtychoRaw(handRaw({ diff3d: { dtype: 'float32', shape: [4, 2, 2], data: neg } }))).toThrow(/key "diff3d": holds a negative value \(-2 at flat index 5\)/);
    expect(() => validatePtychoRaw(handRaw({ diff3d: { dtype: 'float64', shape: [4, 2, 2], data: new Float64Array(16) } }))).toThrow(/key "diff3d": dtype is float64, the contract requires float32.*astype\(np\.float32\)/);
  });

  it('refuses a scan position whose patch leaves the object', () => {
    const x = Float64Array.of(2, 4, 2, 5.6); // round(5.6) = 6: the patch covers columns 5…6 of a 6-wide object
    expect(() => validatePtychoRaw(handRaw({ xcoords: { dtype: 'float64', shape: [4], data: x } }))).toThrow(/key "xcoords": scan position 3: the 2×2 patch centred at \(x=5\.6, y=4\) covers rows 3…4 and columns 5…6, outside the 6×6 object/);
  });

  it('refuses a missing probe and mismatched pattern counts', () => {
    expect(() => validatePtychoRaw(handRaw({ probeGuess: undefined }))).toThrow(/required key "probeGuess" is missing/);
    expect(() => validatePtychoRaw(handRaw({ ycoords: { dtype: 'float64', shape: [3], data: Float64Array.of(2, 2, 4) } }))).toThrow(/key "ycoords"/);
  });
});
