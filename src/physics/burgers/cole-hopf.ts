/**
 * The exact solution of 1D viscous Burgers u_t + u·u_x = ν·u_xx on the periodic domain [0, 2π) for the initial
 * state u0(x) = A·sin(x), by the Cole–Hopf transform, in float64.
 *
 * With u = −2ν·φ_x/φ, φ solves the heat equation φ_t = ν·φ_xx with φ0(x) = exp(A·cos(x)/(2ν)). Its Fourier
 * series is the Jacobi–Anger expansion exp(z·cos x) = I0(z) + 2·Σ_{n≥1} In(z)·cos(n·x), z = A/(2ν), and each
 * mode decays by exp(−ν·n²·t):
 *   u(x, t) = 4ν·Σ n·In(z)·e^{−νn²t}·sin(nx) / (I0(z) + 2·Σ In(z)·e^{−νn²t}·cos(nx)).
 * The modified Bessel functions In are computed by quadrature of In(z) = (1/π)∫₀^π e^{z·cos θ}·cos(nθ) dθ, scaled by
 * e^{−z} (the factor cancels in the ratio, and it keeps exp from overflowing at small ν). The trapezoid rule on this
 * smooth periodic integrand converges geometrically, so a few hundred nodes give float64 accuracy.
 */
export function coleHopfSine(x: ArrayLike<number>, t: number, nu: number, amplitude: number): Float64Array {
  if (!(nu > 0)) throw new RangeError(`the Cole–Hopf solution needs ν > 0, got ${nu}`);
  const z = amplitude / (2 * nu);
  const bessel = scaledBesselI(z);
  const weights = bessel.map((b, n) => b * Math.exp(-nu * n * n * t));
  const u = new Float64Array(x.length);
  for (let p = 0; p < x.length; p++) {
    let num = 0;
    let den = weights[0];
    for (let n = 1; n < weights.length; n++) {
      num += n * weights[n] * Math.sin(n * x[p]);
      den += 2 * weights[n] * Math.cos(n * x[p]);
    }
    u[p] = (4 * nu * num) / den;
  }
  return u;
}

/** e^{−z}·In(z) for n = 0, 1, ... until the terms fall below 1e-17 of the first (round-off) (|z| ≤ 200). */
function scaledBesselI(z: number): number[] {
  const az = Math.abs(z);
  if (az > 200) throw new RangeError(`the Cole–Hopf series is evaluated for A/(2ν) ≤ 200, got ${az}: raise ν or lower the amplitude`);
  const nodes = Math.max(64, Math.ceil(8 * az) + 64);
  const h = Math.PI / nodes;
  const values = Array.from({ length: nodes + 1 }, (_, m) => Math.exp(az * (Math.cos(m * h) - 1)));
  const out: number[] = [];
  for (let n = 0; n < nodes / 2; n++) {
    let sum = 0.5 * (values[0] + values[nodes] * Math.cos(n * Math.PI));
    for (let m = 1; m < nodes; m++) sum += values[m] * Math.cos(n * m * h);
    // I_n(−z) = (−1)^n·I_n(z): a negative amplitude flips the sign of odd modes.
    out.push(((z < 0 && n % 2 === 1 ? -1 : 1) * sum) / nodes);
    if (n > 0 && Math.abs(out[n]) < 1e-17 * out[0]) break; // below float64 round-off of the sum
  }
  return out;
}

/**
 * The same exact solution, u_t + u·u_x = ν·u_xx with u0 = A·sin(x) on the periodic [0, 2π), by the heat kernel
 * instead of the Fourier series: φ(x, t) = ∫ φ0(x − η) G(η, t) dη with φ0 = exp(z·cos), z = A/(2ν), so
 *   u(x, t) = A · ∫ sin(x − η)·w(η) dη / ∫ w(η) dη,   w(η) = exp(z·cos(x − η) − η²/(4νt)).
 * The series above sums terms of size 1 to a denominator that, at small ν, is as small as e^{−2z} beside a
 * shock (e^{−100} for Raissi's ν = 0.01/π), so float64 loses every digit there. Here both integrals are
 * trapezoid sums over η = √(4νt)·s, s ∈ [−L, L], with the largest exponent factored out (log-sum-exp): the
 * integrand is analytic and decays like e^{−s²}, so the sum converges geometrically and stays exact at any ν.
 */
export function coleHopfSineByKernel(x: number, t: number, nu: number, amplitude: number): number {
  if (!(nu > 0)) throw new RangeError(`the Cole–Hopf solution needs ν > 0, got ${nu}`);
  if (t <= 0) return amplitude * Math.sin(x);
  const z = amplitude / (2 * nu);
  const c = Math.sqrt(4 * nu * t);
  // The exponent's curvature in s is 2 + |z|·c²; the step resolves its narrowest feature 20 times over.
  const h = 0.1 / Math.sqrt(1 + Math.abs(z) * c * c);
  const L = Math.sqrt(2 * Math.abs(z) + 80);
  const n = Math.ceil(L / h);
  let top = -Infinity;
  for (let i = -n; i <= n; i++) top = Math.max(top, exponent(i * h));
  let num = 0;
  let den = 0;
  for (let i = -n; i <= n; i++) {
    const s = i * h;
    const w = Math.exp(exponent(s) - top);
    num += Math.sin(x - c * s) * w;
    den += w;
  }
  return (amplitude * num) / den;

  function exponent(s: number): number {
    return z * Math.cos(x - c * s) - s * s;
  }
}

/**
 * Raissi et al.'s viscous Burgers benchmark: u_t + u·u_x = ν·u_xx on x ∈ [−1, 1] with u(x, 0) = −sin(πx) and
 * u(±1, t) = 0. Its solution is the periodic one above, rescaled: with X = π(x + 1) and T = πt, u(x, t) = v(X, T)
 * where v solves v_T + v·v_X = (πν)·v_XX from v0 = sin X (−sin(πx) = sin(π(x + 1)); the odd symmetry about x = ±1
 * keeps the walls at 0).
 */
export function burgersSineDirichlet(x: number, t: number, nu: number): number {
  return coleHopfSineByKernel(Math.PI * (x + 1), Math.PI * t, Math.PI * nu, 1);
}
