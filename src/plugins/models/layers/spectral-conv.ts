import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import { tensor } from '../../../graph/tensor.ts';
import type { ParameterSet } from '../../../contracts/parameters.ts';
import { param } from './param.ts';
import { dftBasis, irfftBasis, rfftBasis } from './spectral-bases.ts';

const AXIS_NAMES = ['x', 'y'];

/**
 * The frequencies a spectral convolution may keep on a grid, per spatial axis: the last axis is transformed by a
 * onesided (real) DFT with floor(N/2)+1 bins; every other axis keeps `modes` low AND `modes` high (negative)
 * frequencies of a full DFT, which must not overlap, so 2·modes ≤ N. Returns a sentence per violation.
 */
export function spectralModeProblems(spatial: readonly number[], modes: readonly number[]): string[] {
  const problems: string[] = [];
  spatial.forEach((n, k) => {
    const m = modes[k];
    const last = k === spatial.length - 1;
    const limit = last ? Math.floor(n / 2) + 1 : Math.floor(n / 2);
    if (m > limit) {
      const why = last ? `the real DFT of ${n} points has floor(${n}/2)+1 = ${limit} frequencies` : `${m} low and ${m} high frequencies of a ${n}-point DFT overlap beyond ${limit} each`;
      problems.push(`modes ${m} along ${AXIS_NAMES[k]} exceed what a ${n}-point grid allows (${why}); use modes ≤ ${limit} or a grid of at least ${last ? 2 * (m - 1) : 2 * m} points`);
    }
  });
  return problems;
}

/**
 * How the truncated Fourier transforms are computed: `dft` with ONNX DFT ops (full transforms, then slices and
 * zero padding), `matmul` with constant truncated-DFT matrices (spectral-bases.ts). Same numbers; `matmul` is
 * several times faster on onnxruntime CPU, whose DFT kernel dominates an FNO step otherwise (specs/models.md).
 */
export const SPECTRAL_TRANSFORMS = ['matmul', 'dft'] as const;
export type SpectralTransform = (typeof SPECTRAL_TRANSFORMS)[number];

export interface SpectralSpec {
  readonly out: number;
  /** Frequencies kept per spatial axis (1 or 2 axes). */
  readonly modes: readonly number[];
  readonly transform: SpectralTransform;
}

/**
 * FNO spectral convolution on a channels-first value (batch, Cin, n₁[, n₂]) → (batch, out, n₁[, n₂]): real DFT,
 * keep the lowest `modes` frequencies, mix channels by a learned complex matrix per frequency, inverse DFT; the
 * discarded frequencies come back as zero. As torch.fft.rfftn/irfftn (unnormalised forward, 1/N inverse) in
 * PhysicsNeMo's SpectralConv1d/2d, with weights `<name>.weights1` (and `.weights2` for the negative frequencies
 * along x in 2D), each [Cin, out, modes…, 2] holding (re, im) pairs, drawn U(±1/(Cin·out)).
 */
export function spectralConv(g: GraphBuilder, params: ParameterSet, name: string, x: Value, s: SpectralSpec): Value {
  const d = x.rank - 2;
  if (d !== 1 && d !== 2) throw new Error(`layer "${name}": spectral convolution takes 1 or 2 spatial axes, "${x.name}" has ${d}`);
  if (s.modes.length !== d) throw new Error(`layer "${name}": ${s.modes.length} mode counts given for ${d} spatial axes`);
  const problems = spectralModeProblems(x.shape.slice(2), s.modes);
  if (problems.length > 0) throw new Error(`layer "${name}": ${problems.join('; ')}`);
  const cin = x.shape[1];
  const weight = (k: number): Value => param(params, `${name}.weights${k}`, [cin, s.out, ...s.modes, 2], { kind: 'uniform', bound: 1 / (cin * s.out) });
  // In 2-D the positive (weights1) and negative (weights2) x-frequencies are mixed in one go: (Cin, out, 2·m₁, m₂, 2).
  const weights = withoutDiscardedParts(g, d === 1 ? weight(1) : g.concat([weight(1), weight(2)], 2), x.shape.slice(2), s.modes);
  return s.transform === 'dft' ? viaDft(g, x, weights, s.modes) : viaMatmul(g, x, weights, s.modes);
}

/** The kept x-frequencies of a 2-D layer: 0 … m−1, then the negative ones n−m … n−1. */
const keptRows = (n: number, m: number): number[] => [...Array.from({ length: m }, (_, k) => k), ...Array.from({ length: m }, (_, k) => n - m + k)];

/**
 * The kept bins that are their own conjugate, frequency 0 or N/2 along EVERY axis, as indices into the weights'
 * mode axes ([k] in 1-D; [row, k] in 2-D, row < m₁ in weights1, row ≥ m₁ in weights2 at row − m₁). The output is
 * real, so the inverse real DFT keeps only the real part of such a bin's coefficient: the imaginary part of its
 * weight has no effect on the output, and a true gradient of exactly 0.
 */
export function selfConjugateModes(spatial: readonly number[], modes: readonly number[]): number[][] {
  const selfConjugate = (f: number, n: number): boolean => f === 0 || 2 * f === n;
  const last = spatial.length - 1;
  const cols = Array.from({ length: modes[last] }, (_, k) => k).filter((k) => selfConjugate(k, spatial[last]));
  if (last === 0) return cols.map((k) => [k]);
  const rows = keptRows(spatial[0], modes[0]).flatMap((f, r) => (selfConjugate(f, spatial[0]) ? [r] : []));
  return rows.flatMap((r) => cols.map((k) => [r, k]));
}

/**
 * The weights times a constant 0/1 mask that zeroes the imaginary parts of the self-conjugate bins: same function
 * (they have no effect), but every engine now computes their gradient as an exact 0. Without it, it comes out as
 * rounding noise that differs between engines (ORT's float32 DFT: ~1e-7; even sin(π·j) in the matmul bases is
 * not exactly 0), and Adam's g/(√v + eps) turns any such noise into updates of up to lr.
 */
function withoutDiscardedParts(g: GraphBuilder, weights: Value, spatial: readonly number[], modes: readonly number[]): Value {
  const modeShape = weights.shape.slice(2, -1);
  const mask = new Float64Array(modeShape.reduce((a, b) => a * b, 2)).fill(1);
  for (const at of selfConjugateModes(spatial, modes)) mask[2 * at.reduce((flat, k, axis) => flat * modeShape[axis] + k, 0) + 1] = 0;
  return g.mul(weights, g.constant(tensor(weights.dtype, [1, 1, ...modeShape, 2], mask)));
}

function viaDft(g: GraphBuilder, x: Value, weights: Value, modes: readonly number[]): Value {
  const d = x.rank - 2;
  const last = 1 + d; // the last spatial axis
  const n = x.shape[last];
  let spec = g.dft(g.unsqueeze(x, [x.rank]), { axis: last, onesided: true });
  spec = g.slice(spec, [0], [modes[d - 1]], [last]);
  if (d === 2) {
    const [h, m] = [x.shape[2], modes[0]];
    spec = g.dft(spec, { axis: 2 });
    spec = g.concat([g.slice(spec, [0], [m], [2]), g.slice(spec, [h - m], [h], [2])], 2);
  }
  let mixed = channelMix(g, spec, weights);
  if (d === 2) {
    const [h, m] = [x.shape[2], modes[0]];
    // Zeros between the positive and the negative frequencies, then back along x.
    const low = g.pad(g.slice(mixed, [0], [m], [2]), padAt(mixed.rank, 2, h - 2 * m));
    mixed = g.dft(g.concat([low, g.slice(mixed, [m], [2 * m], [2])], 2), { axis: 2, inverse: true });
  }
  const full = g.pad(mixed, padAt(mixed.rank, last, Math.floor(n / 2) + 1 - modes[d - 1]));
  const y = g.dft(full, { axis: last, inverse: true, onesided: true, length: n });
  return g.squeeze(y, [y.rank - 1]);
}

function viaMatmul(g: GraphBuilder, x: Value, weights: Value, modes: readonly number[]): Value {
  const { dtype } = x;
  const [b, cin] = x.shape;
  const cout = weights.shape[1];
  if (x.rank === 3) {
    const [n, m] = [x.shape[2], modes[0]];
    const spec = g.transpose(g.reshape(g.matmul(x, rfftBasis(g, dtype, n, m)), [b, cin, 2, m]), [0, 1, 3, 2]);
    const mixed = g.reshape(g.transpose(channelMix(g, spec, weights), [0, 1, 3, 2]), [b, cout, 2 * m]);
    return g.matmul(mixed, irfftBasis(g, dtype, n, m));
  }
  const [h, w] = x.shape.slice(2);
  const [m1, m2] = modes;
  const rows = keptRows(h, m1);
  const k = rows.length;
  // rfft along y, keeping m₂ bins: (b, c, h, [re|im] m₂) → (b, c, m₂, [re|im] h) for the transform along x.
  let spec = g.reshape(g.matmul(x, rfftBasis(g, dtype, w, m2)), [b, cin, h, 2, m2]);
  spec = g.reshape(g.transpose(spec, [0, 1, 4, 3, 2]), [b, cin, m2, 2 * h]);
  spec = g.reshape(g.matmul(spec, dftBasis(g, dtype, h, rows, false)), [b, cin, m2, 2, k]);
  const mixed = channelMix(g, g.transpose(spec, [0, 1, 4, 2, 3]), weights); // (b, out, 2m₁, m₂, 2)
  let y = g.reshape(g.transpose(mixed, [0, 1, 3, 4, 2]), [b, cout, m2, 2 * k]);
  y = g.reshape(g.matmul(y, dftBasis(g, dtype, h, rows, true)), [b, cout, m2, 2, h]);
  y = g.reshape(g.transpose(y, [0, 1, 4, 3, 2]), [b, cout, h, 2 * m2]);
  return g.matmul(y, irfftBasis(g, dtype, w, m2));
}

/** ONNX pads that append `count` entries at the end of `axis`. */
function padAt(rank: number, axis: number, count: number): number[] {
  const pads = new Array<number>(2 * rank).fill(0);
  pads[rank + axis] = count;
  return pads;
}

/**
 * Σᵢ X[b, i, k…] · W[i, o, k…] for complex X (batch, Cin, k…, 2) and W (Cin, Cout, k…, 2) as ONE batched real
 * MatMul per frequency: (re, im) pairs are interleaved into 2·Cin rows, and W becomes the real 2×2 block
 * [[wr, wi], [−wi, wr]] per (i, o), so that [xr, xi]·block = [xr·wr − xi·wi, xr·wi + xi·wr].
 */
function channelMix(g: GraphBuilder, x: Value, w: Value): Value {
  const d = x.rank - 3;
  const [b, cin] = x.shape;
  const cout = w.shape[1];
  const modes = x.shape.slice(2, 2 + d);
  const modeAxes = modes.map((_, k) => 2 + k);
  const rows = g.reshape(g.transpose(x, [...modeAxes, 0, 1, 2 + d]), [...modes, b, 2 * cin]);
  const last = w.rank - 1;
  const re = g.slice(w, [0], [1], [last]);
  const im = g.slice(w, [1], [2], [last]);
  const imagRow = g.concat([g.neg(im), re], last);
  const block = g.concat([g.unsqueeze(w, [1]), g.unsqueeze(imagRow, [1])], 1); // (Cin, 2, Cout, k…, 2)
  const wModeAxes = modes.map((_, k) => 3 + k);
  const matrix = g.reshape(g.transpose(block, [...wModeAxes, 0, 1, 2, 3 + d]), [...modes, 2 * cin, 2 * cout]);
  const y = g.reshape(g.matmul(rows, matrix), [...modes, b, cout, 2]);
  return g.transpose(y, [d, d + 1, ...modeAxes.map((a) => a - 2), d + 2]);
}
