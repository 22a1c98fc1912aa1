import { describe, expect, it } from 'vitest';
import { Rng, rngFor } from '../../src/data/rng.ts';
import { fft2, fftshift2 } from '../../src/physics/ptycho/fft.ts';
import { logFactorial, samplePoisson } from '../../src/physics/ptycho/poisson.ts';

// specs/ptycho.md §1 (simulator numerics).

/** The DFT by its definition, O(n⁴): what fft2 must equal. */
function naiveDft2(re: Float64Array, im: Float64Array, n: number): { re: Float64Array; im: Float64Array } {
  const out = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < n; v++) {
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) {
          const a = (-2 * Math.PI * (u * r + v * c)) / n;
          out.re[u * n + v] += re[r * n + c] * Math.cos(a) - im[r * n + c] * Math.sin(a);
          out.im[u * n + v] += re[r * n + c] * Math.sin(a) + im[r * n + c] * Math.cos(a);
        }
      }
    }
  }
  return out;
}

describe('fft2 (radix-2)', () => {
  it('equals the DFT definition on random complex 8×8 data', () => {
    const rng = new Rng(3);
    const n = 8;
    const re = Float64Array.from({ length: n * n }, () => rng.normal());
    const im = Float64Array.from({ length: n * n }, () => rng.normal());
    const want = naiveDft2(re, im, n);
    const plane = { re: re.slice(), im: im.slice() };
    fft2(plane, n, n);
    for (let i = 0; i < n * n; i++) {
      expect(plane.re[i]).toBeCloseTo(want.re[i], 10);
      expect(plane.im[i]).toBeCloseTo(want.im[i], 10);
    }
  });

  it('refuses a size that is not a power of two', () => {
    expect(() => fft2({ re: new Float64Array(36), im: new Float64Array(36) }, 6, 6)).toThrow(/power-of-two/);
  });

  it('fftshift2 moves index (0, 0) to (n/2, n/2) as numpy does', () => {
    const v = Float64Array.from({ length: 16 }, (_, i) => i);
    const s = fftshift2(v, 4, 4);
    expect(s[2 * 4 + 2]).toBe(0);
    expect(Array.from(s.slice(0, 4))).toEqual([10, 11, 8, 9]);
  });
});

describe('samplePoisson', () => {
  for (const lambda of [0.5, 4, 25, 900]) {
    it(`has mean and variance λ = ${lambda} (20 000 seeded draws, 4σ bounds)`, () => {
      const rng = rngFor(1, 'poisson', lambda);
      const n = 20000;
      let [s, s2, bad] = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        const k = samplePoisson(lambda, rng);
        if (!Number.isInteger(k) || k < 0) bad++;
        [s, s2] = [s + k, s2 + k * k];
      }
      expect(bad, 'draws that are not non-negative integers').toBe(0);
      const mean = s / n;
      const variance = s2 / n - mean * mean;
      expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
      expect(Math.abs(variance / lambda - 1)).toBeLessThan(0.05);
    });
  }

  it('is a pure function of the stream', () => {
    const draw = () => Array.from({ length: 50 }, (_, i) => samplePoisson(i * 3.7, rngFor(9, 'p', i)));
    expect(draw()).toEqual(draw());
  });

  it('log k! matches the exact sum at the Stirling switch-over', () => {
    let exact = 0;
    for (let i = 2; i <= 40; i++) exact += Math.log(i);
    expect(logFactorial(40)).toBeCloseTo(exact, 9);
  });
});
