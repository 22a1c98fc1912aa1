import type { GraphBuilder, Value } from '../../../graph/builder.ts';

/**
 * The far-field forward model of ptychography in graph ops, complex values as a trailing (re, im) axis:
 * exit wave ψ = P·O, then |DFT2(ψ)|² with the zero frequency moved to the centre (fftshift), as upstream's
 * pad_and_diffract (docs/reference/seed-systems.md §1.8). The 1/N² of the symmetric transform and the photon scale are folded
 * into the probe the adapter hands over, so the output is directly the expected photon count per pixel.
 */

/** (a_re + i a_im)(b_re + i b_im) on values with a trailing pair axis (broadcasting over the leading axes). */
export function complexMul(g: GraphBuilder, a: Value, b: Value): Value {
  const last = (v: Value) => v.rank - 1;
  const re = (v: Value) => g.slice(v, [0], [1], [last(v)]);
  const im = (v: Value) => g.slice(v, [1], [2], [last(v)]);
  const outRe = g.sub(g.mul(re(a), re(b)), g.mul(im(a), im(b)));
  const outIm = g.add(g.mul(re(a), im(b)), g.mul(im(a), re(b)));
  return g.concat([outRe, outIm], Math.max(a.rank, b.rank) - 1);
}

/** Complex object (…, N, N, 2) from amplitude and phase (…, N, N): a·(cos φ, sin φ). */
export function fromPolar(g: GraphBuilder, amplitude: Value, phase: Value): Value {
  const pair = (v: Value) => g.unsqueeze(v, [v.rank]);
  return g.concat([pair(g.mul(amplitude, g.cos(phase))), pair(g.mul(amplitude, g.sin(phase)))], amplitude.rank);
}

/** numpy.fft.fftshift along one axis of even size: two Slices and a Concat. */
export function fftshiftAxis(g: GraphBuilder, x: Value, axis: number): Value {
  const n = x.shape[axis];
  if (n % 2 !== 0) throw new Error(`fftshift along axis ${axis} of "${x.name}" needs an even size, got ${n}`);
  return g.concat([g.slice(x, [n / 2], [n], [axis]), g.slice(x, [0], [n / 2], [axis])], axis);
}

/**
 * Expected counts |DFT2(probe · object)|², fftshifted: object (B, C, N, N, 2), probe (N, N, 2) → (B, C, N, N).
 * The 2-D DFT is one DFT per spatial axis (axes 2 and 3).
 */
export function farFieldIntensity(g: GraphBuilder, object: Value, probe: Value): Value {
  const wave = complexMul(g, object, probe);
  const spectrum = g.dft(g.dft(wave, { axis: 2 }), { axis: 3 });
  const intensity = g.reduceSum(g.mul(spectrum, spectrum), [4], false);
  return fftshiftAxis(g, fftshiftAxis(g, intensity, 2), 3);
}
