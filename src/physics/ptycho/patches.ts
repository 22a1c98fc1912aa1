import type { ComplexPlane } from './fft.ts';

/**
 * Patches of an object around scan positions, and the inverse: stitching patches back at their positions.
 * Positions are pixel coordinates of the patch CENTRE on the object grid, upstream's convention: `x` is the
 * column, `y` the row. A patch of N pixels covers rows round(y) − N/2 … round(y) + N/2 − 1.
 */
export function patchOrigin(x: number, y: number, n: number): { row: number; col: number } {
  return { row: Math.round(y) - n / 2, col: Math.round(x) - n / 2 };
}

/** Why a patch at (x, y) does not fit a rows×cols object, or undefined when it does. */
export function patchOutside(x: number, y: number, n: number, rows: number, cols: number): string | undefined {
  const { row, col } = patchOrigin(x, y, n);
  if (row < 0 || col < 0 || row + n > rows || col + n > cols) {
    return `the ${n}×${n} patch centred at (x=${x}, y=${y}) covers rows ${row}…${row + n - 1} and columns ${col}…${col + n - 1}, outside the ${rows}×${cols} object`;
  }
  return undefined;
}

/** The N×N complex patch of `object` (rows×cols) centred at (x, y). */
export function cutPatch(object: ComplexPlane, cols: number, x: number, y: number, n: number): ComplexPlane {
  const { row, col } = patchOrigin(x, y, n);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const src = (row + r) * cols + col;
    re.set(object.re.subarray(src, src + n), r * n);
    im.set(object.im.subarray(src, src + n), r * n);
  }
  return { re, im };
}

export interface Stitched extends ComplexPlane {
  /** How many patches covered each pixel (0 outside the scanned area). */
  readonly coverage: Float64Array;
}

/**
 * Averages complex patches into a rows×cols canvas at their positions. Only the central `keep`×`keep` pixels of each
 * patch are used (upstream's M crop in reassembly): the probe is weak at the patch edge, so the network's edge
 * pixels are poorly constrained.
 *
 * With `alignPhase`, each patch is first rotated by the constant phase that best matches what is already on the
 * canvas where they overlap (arg Σ canvas·conj(patch)). One diffraction pattern determines its patch only up to
 * such a constant, so patches predicted independently carry arbitrary offsets that would cancel when averaged.
 * This uses no ground truth; patches are taken in the given order (a raster scan grows the canvas contiguously).
 */
export function stitch(patches: readonly ComplexPlane[], xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, rows: number, cols: number, keep = n, alignPhase = false): Stitched {
  const re = new Float64Array(rows * cols);
  const im = new Float64Array(rows * cols);
  const coverage = new Float64Array(rows * cols);
  const skip = Math.floor((n - keep) / 2);
  const pixels = function* (i: number): Generator<[number, number]> {
    const { row, col } = patchOrigin(xs[i], ys[i], n);
    for (let r = skip; r < skip + keep; r++) {
      for (let c = skip; c < skip + keep; c++) {
        const [R, C] = [row + r, col + c];
        if (R >= 0 && C >= 0 && R < rows && C < cols) yield [r * n + c, R * cols + C];
      }
    }
  };
  patches.forEach((p, i) => {
    let [cos, sin] = [1, 0];
    if (alignPhase) {
      let [sr, si] = [0, 0];
      for (const [k, at] of pixels(i)) [sr, si] = [sr + re[at] * p.re[k] + im[at] * p.im[k], si + im[at] * p.re[k] - re[at] * p.im[k]];
      if (sr !== 0 || si !== 0) [cos, sin] = [Math.cos(Math.atan2(si, sr)), Math.sin(Math.atan2(si, sr))];
    }
    for (const [k, at] of pixels(i)) {
      re[at] += p.re[k] * cos - p.im[k] * sin;
      im[at] += p.im[k] * cos + p.re[k] * sin;
      coverage[at] += 1;
    }
  });
  for (let i = 0; i < re.length; i++) {
    if (coverage[i] > 0) {
      re[i] /= coverage[i];
      im[i] /= coverage[i];
    }
  }
  return { re, im, coverage };
}
