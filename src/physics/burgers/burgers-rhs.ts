import type { BurgersGrid } from './grid.ts';

/**
 * The semi-discrete right-hand side L(u) of viscous Burgers, ∂u/∂t = −(u·∇)u + ν∇²u, on a periodic grid,
 * applied direction by direction (each term is a 1D line operator along x or y):
 *
 * - Advection, MUSCL reconstruction with the van Leer limiter (second order where the solution is smooth,
 *   total-variation diminishing near steep fronts, so under-resolved shocks do not ring):
 *   - a component advected along its own direction (u ∂u/∂x, v ∂v/∂y) is written conservatively, ∂(u²/2)/∂x,
 *     with the Rusanov (local Lax-Friedrichs) flux, so 1D shock speeds are right;
 *   - a component carried across by the other one (u ∂v/∂x, v ∂u/∂y) uses the upwind face value, chosen by the
 *     sign of the face velocity, in advective form.
 * - Diffusion: the second-order central 3-point Laplacian per direction.
 */
export class BurgersRhs {
  private readonly slope: Float64Array;
  private readonly face: Float64Array;
  private readonly qLine: Float64Array;
  private readonly aLine: Float64Array;

  constructor(
    private readonly grid: BurgersGrid,
    private readonly nu: number,
  ) {
    this.slope = new Float64Array(grid.n);
    this.face = new Float64Array(grid.n);
    this.qLine = new Float64Array(grid.n + 2);
    this.aLine = new Float64Array(grid.n + 2);
  }

  /** out[c] = L(u)[c] for every component c (out is overwritten). */
  apply(u: readonly Float64Array[], out: Float64Array[]): void {
    const { dim, n } = this.grid;
    for (const o of out) o.fill(0);
    for (let c = 0; c < dim; c++) {
      for (let d = 0; d < dim; d++) {
        // Along x the stride between neighbours is n in 2D (y is the fast axis), along y it is 1.
        const stride = dim === 2 && d === 0 ? n : 1;
        const lines = dim === 1 ? 1 : n;
        const lineStep = stride === 1 ? n : 1;
        for (let line = 0; line < lines; line++) this.line(u[c], u[d], c === d, line * lineStep, stride, out[c]);
      }
    }
  }

  private line(q: Float64Array, a: Float64Array, selfAdvect: boolean, base: number, stride: number, out: Float64Array): void {
    const { n, dx } = this.grid;
    const { slope, face, qLine, aLine } = this;
    // Copy the line with one periodic ghost cell each side (qLine[i + 1] is cell i), so the loops below index plainly.
    for (let i = 0; i < n; i++) {
      qLine[i + 1] = q[base + i * stride];
      aLine[i + 1] = a[base + i * stride];
    }
    qLine[0] = qLine[n];
    qLine[n + 1] = qLine[1];
    aLine[n + 1] = aLine[1];
    for (let i = 0; i < n; i++) slope[i] = vanLeer(qLine[i + 1] - qLine[i], qLine[i + 2] - qLine[i + 1]);
    // face[i] is the flux (self-advection) or the upwind value (cross-advection) at face i + 1/2.
    for (let i = 0; i < n; i++) {
      const ip = i + 1 === n ? 0 : i + 1;
      const left = qLine[i + 1] + 0.5 * slope[i];
      const right = qLine[i + 2] - 0.5 * slope[ip];
      if (selfAdvect) {
        const speed = Math.max(Math.abs(left), Math.abs(right));
        face[i] = 0.25 * (left * left + right * right) - 0.5 * speed * (right - left);
      } else {
        face[i] = aLine[i + 1] + aLine[i + 2] >= 0 ? left : right;
      }
    }
    const invDx = 1 / dx;
    const diffusion = this.nu / (dx * dx);
    for (let i = 0; i < n; i++) {
      const jump = face[i] - face[i === 0 ? n - 1 : i - 1];
      const advection = selfAdvect ? jump * invDx : aLine[i + 1] * jump * invDx;
      out[base + i * stride] += -advection + diffusion * (qLine[i + 2] - 2 * qLine[i + 1] + qLine[i]);
    }
  }
}

/** van Leer's smooth limiter: the harmonic mean of the two one-sided differences, zero at an extremum. */
function vanLeer(a: number, b: number): number {
  const ab = a * b;
  return ab > 0 ? (2 * ab) / (a + b) : 0;
}
