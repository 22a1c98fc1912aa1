/** What a preconditioned conjugate-gradient solve needs: the operator and the preconditioner, both SPD. */
export interface LinearOperator {
  apply(x: Float64Array, out: Float64Array): void;
}

export interface PcgResult {
  readonly iterations: number;
  /** ‖b − A·x‖₂ / ‖b‖₂ at exit (the recurrence residual, re-checked explicitly at the end). */
  readonly relativeResidual: number;
}

/**
 * Preconditioned conjugate gradients (Hestenes–Stiefel with a preconditioner, e.g. Saad, "Iterative Methods for
 * Sparse Linear Systems", Alg. 9.1) from x = 0, until ‖r‖₂ ≤ tolerance·‖b‖₂. Throws when maxIterations pass first,
 * with the residual reached, so a non-converging solve can never be mistaken for data.
 */
export function pcg(A: LinearOperator, M: LinearOperator, b: Float64Array, x: Float64Array, tolerance: number, maxIterations: number, where: string): PcgResult {
  const size = b.length;
  const r = Float64Array.from(b);
  const z = new Float64Array(size);
  const p = new Float64Array(size);
  const q = new Float64Array(size);
  x.fill(0);
  const bNorm = Math.sqrt(dot(b, b));
  if (bNorm === 0) return { iterations: 0, relativeResidual: 0 };
  M.apply(r, z);
  p.set(z);
  let rz = dot(r, z);
  for (let it = 1; it <= maxIterations; it++) {
    A.apply(p, q);
    const alpha = rz / dot(p, q);
    for (let i = 0; i < size; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
    }
    const rel = Math.sqrt(dot(r, r)) / bNorm;
    if (rel <= tolerance) {
      // The recurrence residual drifts from the true one in long runs; report the true one.
      A.apply(x, q);
      let s = 0;
      for (let i = 0; i < size; i++) s += (b[i] - q[i]) ** 2;
      return { iterations: it, relativeResidual: Math.sqrt(s) / bNorm };
    }
    M.apply(r, z);
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < size; i++) p[i] = z[i] + beta * p[i];
  }
  throw new Error(`${where}: conjugate gradients did not reach the relative residual ${tolerance} in ${maxIterations} iterations (stopped at ${(Math.sqrt(dot(r, r)) / bNorm).toExponential(2)}); loosen the tolerance or check the permeability contrast`);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
