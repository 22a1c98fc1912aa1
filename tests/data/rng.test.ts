// The seeded RNG shared by the whole project: specs/data-container.md "Randomness".
import { describe, expect, it } from 'vitest';
import { Rng, rngFor } from '../../src/data/rng.ts';

describe('Rng (xoshiro128**)', () => {
  it('matches the reference xoshiro128starstar.c outputs and states for a known state', () => {
    // Outputs and successor states produced by Vigna's reference C code (published as test data of the
    // edorfaus/xoshiro-6502 port, test-rom/testdata.asm), not by this implementation.
    const rng = Rng.fromState([0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0]);
    const expected = [
      [0xf1391922, [0x72410269, 0xef382c52, 0x2e43bec7, 0x62432f20]],
      [0x6fe53806, [0xff3a011b, 0xb33a90fc, 0x2c5a18ae, 0xd81b946b]],
      [0xa5be2840, [0x941b058c, 0x605a8949, 0xa641e1b5, 0x0824bb59]],
      [0xf510ee70, [0xfc65379c, 0x52006d70, 0x87487639, 0xf1908343]],
    ] as const;
    for (const [value, state] of expected) {
      expect(rng.nextUint32()).toBe(value);
      expect(rng.state()).toEqual(state);
    }
  });

  it('is deterministic per seed, differs across seeds, and resumes exactly from a saved state', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first);
    expect(new Rng(43).nextUint32()).not.toBe(first[0]);
    const saved = a.state();
    const next = [a.uniform(), a.normal(), a.int(10)];
    const resumed = Rng.fromState(saved);
    expect([resumed.uniform(), resumed.normal(), resumed.int(10)]).toEqual(next);
  });

  it('gives independent streams per label, where ("ab") and ("a", "b") differ', () => {
    const draw = (r: Rng) => r.nextUint32();
    expect(draw(rngFor(0, 'init', 'w'))).toBe(draw(rngFor(0, 'init', 'w')));
    const values = new Set([draw(rngFor(0, 'init', 'w')), draw(rngFor(0, 'init', 'b')), draw(rngFor(1, 'init', 'w')), draw(rngFor(0, 'ab')), draw(rngFor(0, 'a', 'b'))]);
    expect(values.size).toBe(5);
  });

  it('draws uniform, integer and normal values with the right moments', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    let uMin = 1;
    let uMax = 0;
    const counts = new Array(6).fill(0);
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      uMin = Math.min(uMin, u);
      uMax = Math.max(uMax, u);
      counts[rng.int(6)]++;
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(uMin).toBeGreaterThanOrEqual(0);
    expect(uMax).toBeLessThan(1);
    // 5 standard errors: a wrong transform fails, chance does not.
    expect(Math.abs(sum / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    for (const c of counts) expect(Math.abs(c - n / 6)).toBeLessThan(5 * Math.sqrt((n * 5) / 36));
  });

  it('shuffles into a permutation, and rejects bad seeds, states and ranges', () => {
    const p = new Rng(3).permutation(1000);
    expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p.subarray(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => new Rng(Number.NaN)).toThrow(/finite/);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/not all zero/);
    expect(() => new Rng(1).int(0)).toThrow(/integer n/);
  });
});
