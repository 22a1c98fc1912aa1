import type { Rng } from '../../data/rng.ts';

/**
 * Exact Poisson samples from the project's seeded generator, as numpy's legacy sampler draws them: Knuth's
 * product of uniforms below λ = 10, Hörmann's transformed rejection (PTRS, 1993) from there on. A normal
 * approximation would bias the low-count pixels at the edge of a diffraction pattern, which are most of them.
 */
export function samplePoisson(lambda: number, rng: Rng): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`a Poisson rate must be finite and ≥ 0, got ${lambda}`);
  if (lambda === 0) return 0;
  return lambda < 10 ? knuth(lambda, rng) : ptrs(lambda, rng);
}

function knuth(lambda: number, rng: Rng): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let product = rng.uniform();
  while (product > limit) {
    k++;
    product *= rng.uniform();
  }
  return k;
}

function ptrs(lambda: number, rng: Rng): number {
  const slam = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * logLambda - logFactorial(k)) return k;
  }
}

/** log(k!) by Stirling's series with three correction terms (error < 1e-10 for k ≥ 10); exact sums below. */
export function logFactorial(k: number): number {
  if (k < 10) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  const x = k + 1;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3) + 1 / (1260 * x ** 5);
}
