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
 */
export function stitch(patches: readonly ComplexPlane[], xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, rows: number, cols: number, keep = n): Stitched {
  const re = new Float64Array(rows * cols);
  const im = new Float64Array(rows * cols);
  const coverage = new Float64Array(rows * cols);
  const skip = Math.floor((n - keep) / 2);
  patches.forEach((p, i) => {
    const { row, col } = patchOrigin(xs[i], ys[i], n);
    for (let r = skip; r < skip + keep; r++) {
      for (let c = skip; c < skip + keep; c++) {
        const [R, C] = [row + r, col + c];
        if (R < 0 || C < 0 || R >= rows || C >= cols) continue;
        re[R * cols + C] += p.re[r * n + c];
        im[R * cols + C] += p.im[r * n + c];
        coverage[R * cols + C] += 1;
      }
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
