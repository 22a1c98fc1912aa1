import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpzFile } from '../../../data/npz.ts';
import { tensor, type Tensor } from '../../../graph/tensor.ts';
import type { ComplexPlane } from '../../../physics/ptycho/fft.ts';
import { fourierRingCorrelation, frcCutoff, globalPhaseOffset, meanAbsoluteError, psnr, wrapPhase } from '../../../physics/ptycho/metrics.ts';
import { stitch } from '../../../physics/ptycho/patches.ts';
import { encodeGrayPng, figureGrid } from '../../../physics/ptycho/png.ts';
import { toComplex64 } from '../../../physics/ptycho/complex-plane.ts';
import type { BatchFeed } from '../../../contracts/backend.ts';
import { PTYCHO_OUTPUTS } from '../../models/ptycho/ptycho-model.ts';
import type { DataContainer } from '../../../data/container.ts';
import { toGraphTensor } from '../../../data/named-tensor.ts';
import type { DType } from '../../../graph/dtype.ts';
import type { PtychoDataContainer } from './ptycho-container.ts';
import { declareReportFiles } from '../../../reports/report-files.ts';
import type { ReconstructionFields } from './ptycho-plots.ts';

/** What the stitched reconstruction scored against the ground truth (the metrics CSV holds the same). */
export interface PtychoMetrics {
  readonly amplitude: { readonly mae: number; readonly psnr: number; readonly frc: number };
  readonly phase: { readonly mae: number; readonly psnr: number; readonly frc: number };
  /** Global phase removed before comparing (ptychography cannot determine it). */
  readonly phaseOffset: number;
  /** Pixels compared: covered by at least one stitched patch centre. */
  readonly pixels: number;
}

export interface ReconstructionInput {
  readonly container: PtychoDataContainer;
  /** The training container: every per-sample key is fed (the input, the canvas placement), plus the constants. */
  readonly data: DataContainer;
  /** Scan positions, x = column and y = row of each patch centre. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly object: { readonly plane: ComplexPlane; readonly rows: number; readonly cols: number };
  /** Central crop of each patch used for stitching (upstream M). */
  readonly keep: number;
  /** Rotate each patch to the phase of its overlap with the canvas before averaging (patches.ts `stitch`). */
  readonly alignPhase: boolean;
  readonly forward: (batch: BatchFeed) => Promise<Map<string, Tensor>>;
}

const BATCH = 64;

/** Runs the trained model on every group, returns the predicted complex patch of every (group, channel). */
export async function predictPatches(r: ReconstructionInput): Promise<ComplexPlane[]> {
  const { N: n, channels: c, count } = r.container;
  const patches: ComplexPlane[] = new Array(count * c);
  const constants = new Map([...r.data.constants].map(([k, t]) => [k, toGraphTensor(t)]));
  for (let start = 0; start < count; start += BATCH) {
    const size = Math.min(BATCH, count - start);
    const feed = new Map(constants);
    for (const [key, t] of r.data.tensors) {
      const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
      feed.set(key, tensor(t.dtype as DType, [size, ...t.shape.slice(1)], (t.data as Float32Array).subarray(start * per, (start + size) * per)));
    }
    const object = (await r.forward(feed)).get(PTYCHO_OUTPUTS.object)!.data as Float32Array | Float64Array; // (B, N, N, C, 2)
    for (let b = 0; b < size; b++) {
      for (let k = 0; k < c; k++) {
        const re = new Float64Array(n * n);
        const im = new Float64Array(n * n);
        for (let p = 0; p < n * n; p++) {
          const i = 2 * ((b * n * n + p) * c + k);
          [re[p], im[p]] = [object[i], object[i + 1]];
        }
        patches[(start + b) * c + k] = { re, im };
      }
    }
  }
  return patches;
}

/**
 * Stitches the predicted patches at their scan positions, scores them against the ground truth, and writes into
 * `runDir`: `reconstruction.npz` (predicted and true object, coverage), `comparison_metrics.csv`, `frc_curves.csv`
 * and `reconstruction.png` (top: predicted | true amplitude; bottom: predicted | true phase; each row titled, with a
 * shared grey range and its colour bar).
 */
export async function writeReconstruction(r: ReconstructionInput, runDir: string): Promise<{ metrics: PtychoMetrics; fields: ReconstructionFields }> {
  const { N: n, nnIndices } = r.container;
  const predicted = await predictPatches(r);
  // In scan order (a raster grows the canvas contiguously, which phase alignment relies on).
  const order = Array.from(predicted, (_, i) => i).sort((a, b) => nnIndices[a] - nnIndices[b] || a - b);
  const patches = order.map((i) => predicted[i]);
  const xs = Float64Array.from(order, (i) => r.x[nnIndices[i]]);
  const ys = Float64Array.from(order, (i) => r.y[nnIndices[i]]);
  const { rows, cols, plane: truth } = r.object;
  const stitched = stitch(patches, xs, ys, n, rows, cols, r.keep, r.alignPhase);
  const mask = Uint8Array.from(stitched.coverage, (v) => (v > 0 ? 1 : 0));
  const offset = globalPhaseOffset(stitched, truth, mask);
  const ampOf = (p: ComplexPlane) => Float64Array.from(p.re, (re, i) => Math.hypot(re, p.im[i]));
  const phaseOf = (p: ComplexPlane, shift: number) => Float64Array.from(p.re, (re, i) => wrapPhase(Math.atan2(p.im[i], re) - shift));
  const [ampPred, ampTrue] = [ampOf(stitched), ampOf(truth)];
  const [phasePred, phaseTrue] = [phaseOf(stitched, offset), phaseOf(truth, 0)];
  const phaseError = Float64Array.from(phasePred, (p, i) => wrapPhase(p - phaseTrue[i]));
  const frcOf = (a: Float64Array, b: Float64Array) => {
    const { values: va, size } = centralSquare(a, mask, rows, cols);
    return fourierRingCorrelation(va, centralSquare(b, mask, rows, cols).values, size);
  };
  const [frcAmp, frcPhase] = [frcOf(ampPred, ampTrue), frcOf(phasePred, phaseTrue)];
  const metrics: PtychoMetrics = {
    amplitude: { mae: meanAbsoluteError(ampPred, ampTrue, mask), psnr: psnr(ampPred, ampTrue, mask), frc: frcCutoff(frcAmp) },
    // Phase errors are wrapped (a 2π jump is no error), so MAE and PSNR use true + wrapped error as the prediction.
    phase: { mae: meanAbsoluteError(phaseError, new Float64Array(phaseError.length), mask), psnr: psnr(phaseTrue.map((t, i) => t + phaseError[i]), phaseTrue, mask), frc: frcCutoff(frcPhase) },
    phaseOffset: offset,
    pixels: mask.reduce((s, v) => s + v, 0),
  };
  writeNpzFile(join(runDir, 'reconstruction.npz'), {
    object_pred: { dtype: 'complex64', shape: [rows, cols], data: toComplex64(rotate(stitched, -offset)) },
    object_true: { dtype: 'complex64', shape: [rows, cols], data: toComplex64(truth) },
    coverage: { dtype: 'float64', shape: [rows, cols], data: stitched.coverage },
  });
  const row = (metric: string, a: number, p: number) => `tandem-ptycho,${metric},${a},${p}`;
  writeFileSync(
    join(runDir, 'comparison_metrics.csv'),
    ['model,metric,amplitude,phase', row('mae', metrics.amplitude.mae, metrics.phase.mae), row('psnr', metrics.amplitude.psnr, metrics.phase.psnr), row('frc_1_7', metrics.amplitude.frc, metrics.phase.frc), ''].join('\n'),
  );
  writeFileSync(join(runDir, 'frc_curves.csv'), ['ring,frc_amplitude,frc_phase', ...Array.from(frcAmp, (v, i) => `${i},${v},${frcPhase[i]}`), ''].join('\n'));
  const masked = (v: Float64Array, fill: number) => v.map((x, i) => (mask[i] ? x : fill));
  // One range per row over prediction and truth together, so neither is clipped and equal values are equal greys.
  const joint = (a: Float64Array, b: Float64Array): [number, number] => {
    const [[a0, a1], [b0, b1]] = [range(a, mask), range(b, mask)];
    return [Math.min(a0, b0), Math.max(a1, b1)];
  };
  const [ampRange, phaseRange] = [joint(ampPred, ampTrue), joint(phasePred, phaseTrue)];
  const grid = figureGrid(
    [
      { panels: [{ title: 'amplitude, predicted', values: masked(ampPred, ampRange[0]), rows, cols }, { title: 'amplitude, true', values: masked(ampTrue, ampRange[0]), rows, cols }], range: ampRange },
      { panels: [{ title: 'phase (rad), predicted', values: masked(phasePred, phaseRange[0]), rows, cols }, { title: 'phase (rad), true', values: masked(phaseTrue, phaseRange[0]), rows, cols }], range: phaseRange },
    ],
    Math.max(1, Math.floor(256 / Math.max(rows, cols))),
  );
  writeFileSync(join(runDir, 'reconstruction.png'), encodeGrayPng(grid.pixels, grid.width, grid.height));
  // The npz is data for further analysis, not something a person reads; the tracker uploads the rest as the report.
  declareReportFiles(runDir, 'comparison_metrics.csv', 'frc_curves.csv', 'reconstruction.png');
  return { metrics, fields: { rows, cols, mask, amplitude: { predicted: ampPred, truth: ampTrue }, phase: { predicted: phasePred, truth: phaseTrue, error: phaseError } } };
}

/** The plane times exp(i·angle). */
function rotate(p: ComplexPlane, angle: number): ComplexPlane {
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  return { re: p.re.map((re, i) => re * cos - p.im[i] * sin), im: p.im.map((im, i) => im * cos + p.re[i] * sin) };
}

function range(v: Float64Array, mask: Uint8Array): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  v.forEach((x, i) => {
    if (mask[i]) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  });
  return [lo, hi];
}

/** The largest power-of-two square centred in the covered bounding box (FRC needs one). */
function centralSquare(v: Float64Array, mask: Uint8Array, rows: number, cols: number): { values: Float64Array; size: number } {
  let [r0, r1, c0, c1] = [rows, -1, cols, -1];
  mask.forEach((m, i) => {
    if (!m) return;
    const [r, c] = [Math.floor(i / cols), i % cols];
    [r0, r1, c0, c1] = [Math.min(r0, r), Math.max(r1, r), Math.min(c0, c), Math.max(c1, c)];
  });
  const span = Math.min(r1 - r0 + 1, c1 - c0 + 1);
  const size = 2 ** Math.floor(Math.log2(span));
  const [top, left] = [r0 + Math.floor((r1 - r0 + 1 - size) / 2), c0 + Math.floor((c1 - c0 + 1 - size) / 2)];
  const values = new Float64Array(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) values[r * size + c] = v[(top + r) * cols + left + c];
  return { values, size };
}
