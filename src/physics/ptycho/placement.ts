/**
 * Where each channel's patch sits on its group's shared canvas (upstream object_big, docs/reference/seed-systems.md §1.8): the
 * canvas is centred on the rounded group mean and padded by the largest offset, L = N + 2·pad. Placement is a pair
 * of 0/1 matrices per (group, channel), rows (L, N) and cols (L, N), so that canvas = R · P · Cᵀ and the patch back
 * is Rᵀ · canvas · C: MatMuls, which every backend runs and autodiff differentiates (a data-dependent Pad could not
 * be a constant-shaped graph op). Offsets are whole pixels (positions are rounded, as the patches are cut).
 */
export interface Placement {
  readonly pad: number;
  /** Canvas side L = N + 2·pad. */
  readonly size: number;
  /** (groups, C, L, N) row placement. */
  readonly rows: Float32Array;
  /** (groups, C, L, N) column placement. */
  readonly cols: Float32Array;
}

export function groupPlacement(nnIndices: Int32Array, channels: number, x: ArrayLike<number>, y: ArrayLike<number>, n: number): Placement {
  const groups = nnIndices.length / channels;
  const shift = new Int32Array(2 * nnIndices.length); // (dx, dy) per (group, channel)
  let pad = 0;
  for (let g = 0; g < groups; g++) {
    let [mx, my] = [0, 0];
    for (let c = 0; c < channels; c++) [mx, my] = [mx + Math.round(x[nnIndices[g * channels + c]]) / channels, my + Math.round(y[nnIndices[g * channels + c]]) / channels];
    for (let c = 0; c < channels; c++) {
      const s = nnIndices[g * channels + c];
      const [dx, dy] = [Math.round(x[s]) - Math.round(mx), Math.round(y[s]) - Math.round(my)];
      [shift[2 * (g * channels + c)], shift[2 * (g * channels + c) + 1]] = [dx, dy];
      pad = Math.max(pad, Math.abs(dx), Math.abs(dy));
    }
  }
  const size = n + 2 * pad;
  const rows = new Float32Array(nnIndices.length * size * n);
  const cols = new Float32Array(nnIndices.length * size * n);
  for (let k = 0; k < nnIndices.length; k++) {
    const [dx, dy] = [shift[2 * k], shift[2 * k + 1]];
    for (let i = 0; i < n; i++) {
      rows[(k * size + i + pad + dy) * n + i] = 1;
      cols[(k * size + i + pad + dx) * n + i] = 1;
    }
  }
  return { pad, size, rows, cols };
}
