import { FaceOperator } from './face-operator.ts';

/** The coarsest grid the V-cycle solves directly: at most this many cells per side (a 64×64 dense Cholesky). */
export const COARSEST_SIDE = 8;

/**
 * A geometric multigrid V-cycle for the cell-centred Darcy operator, used as the preconditioner of conjugate
 * gradients. Levels halve the grid; restriction sums the four children (Pᵀ), prolongation copies a coarse cell
 * to its four children (P); the coarse operators come from FaceOperator.coarsen. One red-black Gauss-Seidel sweep
 * before (red, black) and after (black, red) makes the cycle a symmetric positive-definite operator, which CG needs.
 * The coarsest level (≤ 8×8) is solved exactly by a dense Cholesky factorisation.
 */
export class MultigridPreconditioner {
  private readonly levels: FaceOperator[];
  private readonly rhs: Float64Array[];
  private readonly sol: Float64Array[];
  private readonly res: Float64Array[];
  private readonly chol: Float64Array;

  constructor(fine: FaceOperator, coarseScale: number) {
    this.levels = [fine];
    while (this.levels.at(-1)!.n > COARSEST_SIDE) this.levels.push(this.levels.at(-1)!.coarsen(coarseScale));
    const sizes = this.levels.map((l) => l.n * l.n);
    this.rhs = sizes.map((s) => new Float64Array(s));
    this.sol = sizes.map((s) => new Float64Array(s));
    this.res = sizes.map((s) => new Float64Array(s));
    this.chol = cholesky(this.levels.at(-1)!.dense(), sizes.at(-1)!);
  }

  get depth(): number {
    return this.levels.length;
  }

  /** z = M⁻¹·r: one V-cycle from a zero initial guess. */
  apply(r: Float64Array, z: Float64Array): void {
    this.rhs[0].set(r);
    this.cycle(0);
    z.set(this.sol[0]);
  }

  private cycle(l: number): void {
    const A = this.levels[l];
    const b = this.rhs[l];
    const x = this.sol[l];
    if (l === this.levels.length - 1) {
      choleskySolve(this.chol, b, x, A.n * A.n);
      return;
    }
    x.fill(0);
    A.relax(x, b, 0);
    A.relax(x, b, 1);
    const r = this.res[l];
    A.apply(x, r);
    for (let p = 0; p < r.length; p++) r[p] = b[p] - r[p];
    const n = A.n;
    const m = n / 2;
    const coarseB = this.rhs[l + 1];
    for (let I = 0; I < m; I++) {
      for (let J = 0; J < m; J++) {
        const p = 2 * I * n + 2 * J;
        coarseB[I * m + J] = r[p] + r[p + 1] + r[p + n] + r[p + n + 1];
      }
    }
    this.cycle(l + 1);
    const e = this.sol[l + 1];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) x[i * n + j] += e[(i >> 1) * m + (j >> 1)];
    A.relax(x, b, 1);
    A.relax(x, b, 0);
  }
}

/** Lower-triangular L with A = L·Lᵀ, row-major, for a symmetric positive-definite A of the given size. */
function cholesky(a: Float64Array, size: number): Float64Array {
  const L = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * size + j];
      for (let k = 0; k < j; k++) s -= L[i * size + k] * L[j * size + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`the coarsest multigrid operator is not positive definite (pivot ${s} at ${i}); the permeability must be positive everywhere`);
        L[i * size + i] = Math.sqrt(s);
      } else {
        L[i * size + j] = s / L[j * size + j];
      }
    }
  }
  return L;
}

function choleskySolve(L: Float64Array, b: Float64Array, x: Float64Array, size: number): void {
  for (let i = 0; i < size; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * size + k] * x[k];
    x[i] = s / L[i * size + i];
  }
  for (let i = size - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < size; k++) s -= L[k * size + i] * x[k];
    x[i] = s / L[i * size + i];
  }
}
