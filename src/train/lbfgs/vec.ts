/** Dense float64 vector arithmetic for the host-side L-BFGS (plain loops: the vectors are parameter-sized). */
export type Vec = Float64Array;

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function sumAbs(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
}

export function scaled(a: ArrayLike<number>, alpha: number): Vec {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * alpha;
  return out;
}

/** a ← a + alpha·b, in place (torch `a.add_(b, alpha=alpha)`); `a` may be a float32 parameter vector. */
export function addScaled(a: Float64Array | Float32Array, b: ArrayLike<number>, alpha: number): void {
  for (let i = 0; i < a.length; i++) a[i] = a[i] + alpha * b[i];
}
