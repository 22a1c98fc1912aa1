/**
 * The cell-centred finite-volume operator of −∇·(k∇u) on an n×n grid of the unit square with u = 0 on the
 * boundary, stored as one conductance per cell face:
 *   (A·u)_P = Σ_faces c_f·(u_P − u_neighbour),  with u_neighbour = 0 across the boundary.
 * Cells are row-major over (x, y): cell (i, j) is i·n + j. `cx[f·n + j]` is the x-face f ∈ [0, n] in row j (between
 * cells f−1 and f), `cy[i·(n+1) + f]` the y-face f ∈ [0, n] in column i. The operator is symmetric positive definite.
 */
export class FaceOperator {
  readonly diag: Float64Array;

  constructor(
    readonly n: number,
    readonly cx: Float64Array,
    readonly cy: Float64Array,
  ) {
    this.diag = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) this.diag[i * n + j] = cx[i * n + j] + cx[(i + 1) * n + j] + cy[i * (n + 1) + j] + cy[i * (n + 1) + j + 1];
    }
  }

  /**
   * The 5-point stencil of a cell-wise coefficient k, with cell side h = 1/n: an interior face carries the
   * harmonic mean 2·k1·k2/(k1 + k2) (the series conductance of two half cells, exact for a flux crossing a jump in
   * k), a boundary face 2·k (half a cell to the wall). Face length h over distance h leaves no h in 2D.
   */
  static fromCoefficient(n: number, k: Float64Array): FaceOperator {
    const cx = new Float64Array((n + 1) * n);
    const cy = new Float64Array(n * (n + 1));
    const harmonic = (a: number, b: number) => (2 * a * b) / (a + b);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const kp = k[i * n + j];
        cx[i * n + j] = i === 0 ? 2 * kp : harmonic(k[(i - 1) * n + j], kp);
        cy[i * (n + 1) + j] = j === 0 ? 2 * kp : harmonic(k[i * n + j - 1], kp);
      }
      cx[n * n + i] = 2 * k[(n - 1) * n + i];
      cy[i * (n + 1) + n] = 2 * k[i * n + n - 1];
    }
    return new FaceOperator(n, cx, cy);
  }

  /**
   * The operator on the grid coarsened by 2: each coarse face is two fine faces, and its conductance is
   * `scale`·(sum of theirs). scale = 1 is the Galerkin product Pᵀ·A·P for piecewise-constant P; 1/2 is the same
   * stencil re-discretised on the coarse grid. Both stay symmetric positive definite.
   */
  coarsen(scale: number): FaceOperator {
    const { n, cx, cy } = this;
    const m = n / 2;
    const cx2 = new Float64Array((m + 1) * m);
    const cy2 = new Float64Array(m * (m + 1));
    for (let f = 0; f <= m; f++) for (let J = 0; J < m; J++) cx2[f * m + J] = scale * (cx[2 * f * n + 2 * J] + cx[2 * f * n + 2 * J + 1]);
    for (let I = 0; I < m; I++) for (let f = 0; f <= m; f++) cy2[I * (m + 1) + f] = scale * (cy[2 * I * (n + 1) + 2 * f] + cy[(2 * I + 1) * (n + 1) + 2 * f]);
    return new FaceOperator(m, cx2, cy2);
  }

  apply(u: Float64Array, out: Float64Array): void {
    const { n, cx, cy, diag } = this;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const p = i * n + j;
        let s = diag[p] * u[p];
        if (i > 0) s -= cx[p] * u[p - n];
        if (i < n - 1) s -= cx[p + n] * u[p + n];
        if (j > 0) s -= cy[i * (n + 1) + j] * u[p - 1];
        if (j < n - 1) s -= cy[i * (n + 1) + j + 1] * u[p + 1];
        out[p] = s;
      }
    }
  }

  /** One Gauss-Seidel half sweep over the cells of one colour ((i + j) % 2 === colour), in place. */
  relax(u: Float64Array, b: Float64Array, colour: 0 | 1): void {
    const { n, cx, cy, diag } = this;
    for (let i = 0; i < n; i++) {
      for (let j = (i + colour) % 2; j < n; j += 2) {
        const p = i * n + j;
        let s = b[p];
        if (i > 0) s += cx[p] * u[p - n];
        if (i < n - 1) s += cx[p + n] * u[p + n];
        if (j > 0) s += cy[i * (n + 1) + j] * u[p - 1];
        if (j < n - 1) s += cy[i * (n + 1) + j + 1] * u[p + 1];
        u[p] = s / diag[p];
      }
    }
  }

  /** The operator as a dense row-major matrix (for the coarsest multigrid level only). */
  dense(): Float64Array {
    const size = this.n * this.n;
    const out = new Float64Array(size * size);
    const e = new Float64Array(size);
    const col = new Float64Array(size);
    for (let q = 0; q < size; q++) {
      e.fill(0);
      e[q] = 1;
      this.apply(e, col);
      for (let p = 0; p < size; p++) out[p * size + q] = col[p];
    }
    return out;
  }
}
