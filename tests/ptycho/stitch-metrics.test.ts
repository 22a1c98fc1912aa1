import { describe, expect, it } from 'vitest';
import { rngFor } from '../../src/data/rng.ts';
import { fourierRingCorrelation, frcCutoff, globalPhaseOffset, psnr, wrapPhase } from '../../src/physics/ptycho/metrics.ts';
import { makeObject } from '../../src/physics/ptycho/object-probe.ts';
import { cutPatch, stitch } from '../../src/physics/ptycho/patches.ts';

// specs/ptycho.md §6 (stitching and metrics).

const object = makeObject({ size: 16, amplitude: [0.5, 1], phaseRange: 1, maxCycles: 2 }, rngFor(4, 'stitch'));
const xs = [6, 10, 6, 10];
const ys = [6, 6, 10, 10];
const rotate = (p: { re: Float64Array; im: Float64Array }, a: number) => ({ re: p.re.map((re, i) => re * Math.cos(a) - p.im[i] * Math.sin(a)), im: p.im.map((im, i) => im * Math.cos(a) + p.re[i] * Math.sin(a)) });

describe('stitch', () => {
  it('puts true patches back exactly where they were cut, with coverage counts', () => {
    const patches = xs.map((x, i) => cutPatch(object, 16, x, ys[i], 8));
    const s = stitch(patches, xs, ys, 8, 16, 16);
    for (let i = 0; i < 256; i++) {
      if (s.coverage[i] === 0) continue;
      expect(s.re[i]).toBeCloseTo(object.re[i], 12);
      expect(s.im[i]).toBeCloseTo(object.im[i], 12);
    }
    expect(s.coverage[8 * 16 + 8]).toBe(4); // the centre is under all four
    expect(s.coverage[0]).toBe(0);
  });

  it('with alignPhase, patches carrying arbitrary constant phases are brought to the first one before averaging', () => {
    const patches = xs.map((x, i) => rotate(cutPatch(object, 16, x, ys[i], 8), [0, 1.3, -2, 2.9][i]));
    const aligned = stitch(patches, xs, ys, 8, 16, 16, 8, true);
    const naive = stitch(patches, xs, ys, 8, 16, 16, 8, false);
    const mask = Uint8Array.from(aligned.coverage, (c) => (c > 0 ? 1 : 0));
    const err = (s: typeof aligned) => {
      let worst = 0;
      for (let i = 0; i < 256; i++) if (mask[i]) worst = Math.max(worst, Math.hypot(s.re[i] - object.re[i], s.im[i] - object.im[i]));
      return worst;
    };
    expect(err(aligned)).toBeLessThan(1e-12);
    expect(err(naive)).toBeGreaterThan(0.1);
  });
});

describe('metrics', () => {
  it('the global phase offset is found and wrapPhase maps into (−π, π]', () => {
    const shifted = rotate(object, 0.7);
    expect(globalPhaseOffset(shifted, object, new Uint8Array(256).fill(1))).toBeCloseTo(0.7, 12);
    expect(wrapPhase(3 * Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(wrapPhase(-Math.PI)).toBe(Math.PI);
  });

  it('PSNR is 10·log10(range²/MSE) and FRC is 1 for identical images, lower for noise', () => {
    const truth = Float64Array.of(0, 1, 0, 1);
    expect(psnr(Float64Array.of(0.1, 1, 0, 1), truth, [1, 1, 1, 1])).toBeCloseTo(10 * Math.log10(1 / (0.01 / 4)), 10);
    const a = Float64Array.from({ length: 256 }, (_, i) => Math.hypot(object.re[i], object.im[i]));
    const same = fourierRingCorrelation(a, a, 16);
    for (let r = 1; r < 8; r++) expect(same[r]).toBeCloseTo(1, 12);
    expect(frcCutoff(same)).toBe(1);
    const rng = rngFor(1, 'noise');
    const noise = Float64Array.from(a, () => rng.normal());
    expect(frcCutoff(fourierRingCorrelation(a, noise, 16))).toBeLessThan(1);
  });
});
