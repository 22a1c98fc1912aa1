/**
 * A periodic Burgers grid: 1D (x) or 2D (x, y), square cells of side `length / resolution`. Fields are stored
 * one Float64Array per vector component, row-major over (x[, y]), so cell (i, j) is `i * ny + j` and `y` is the
 * fast axis, matching the stored dims (time, x[, y], vector).
 */
export interface BurgersGrid {
  readonly dim: 1 | 2;
  /** Cells per side. */
  readonly n: number;
  /** Domain side length; the domain is [0, length)^dim. */
  readonly length: number;
  readonly dx: number;
  /** Cells in total: n or n². */
  readonly cells: number;
}

export function burgersGrid(dim: 1 | 2, n: number, length: number): BurgersGrid {
  if (!Number.isInteger(n) || n < 4) throw new RangeError(`a Burgers grid needs at least 4 cells per side, got resolution ${n}`);
  if (!(length > 0)) throw new RangeError(`the Burgers domain length must be positive, got ${length}`);
  return { dim, n, length, dx: length / n, cells: dim === 1 ? n : n * n };
}

/** Cell-centre coordinate of index i along one axis. */
export function cellCentre(grid: BurgersGrid, i: number): number {
  return (i + 0.5) * grid.dx;
}
