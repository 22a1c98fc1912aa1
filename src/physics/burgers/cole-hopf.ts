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
