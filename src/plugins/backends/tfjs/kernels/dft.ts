import * as tf from '@tensorflow/tfjs';
import { normalizeAxis } from '../../../../graph/shape-utils.ts';
import type { Kernel } from './kernel.ts';

/** The DFT as geometry: input bins used, output bins, and whether real or complex values go in and out. */
interface DftPlan {
  readonly inBins: number;
  readonly inParts: number;
  readonly outBins: number;
  readonly outParts: number;
  /** Signal length n (dft_length, or implied by the input). */
  readonly n: number;
  readonly inverse: boolean;
  readonly irfft: boolean;
}

/**
 * The DFT as one real matrix acting on interleaved (re, im) pairs: row 2t+p reads input bin t, part p; column
 * 2k+q writes output bin k, part q. Forward X_k = Σ x_t·e^{−2πikt/n}; inverse adds 1/n and flips the sign.
 * Input bins past n are zero rows (truncation); missing ones contribute nothing (zero padding). The irfft form
 * rebuilds the Hermitian half: interior bins count twice, DC and Nyquist once, their imaginary parts drop out.
 * Angles use (k·t mod n) so large k·t lose no precision before the float64 cos/sin.
 */
function dftMatrix(p: DftPlan): Float32Array {
  const cols = p.outBins * p.outParts;
  const m = new Float32Array(p.inBins * p.inParts * cols);
  const sign = p.inverse ? 1 : -1;
  const norm = p.inverse ? 1 / p.n : 1;
  for (let t = 0; t < Math.min(p.inBins, p.n); t++) {
    for (let k = 0; k < p.outBins; k++) {
      // In irfft the input index is the frequency: bin t of the half spectrum, sample k of the output.
      const [freq, time] = p.irfft ? [t, k] : [k, t];
      const theta = (2 * Math.PI * ((freq * time) % p.n)) / p.n;
      const [cos, sin] = [Math.cos(theta) * norm, sign * Math.sin(theta) * norm];
      const row = (part: number): number => (t * p.inParts + part) * cols;
      if (p.irfft) {
        const w = t === 0 || 2 * t === p.n ? 1 : 2;
        m[row(0) + k] = w * cos;
        m[row(1) + k] = -w * sin;
        continue;
      }
      // (a + ib)(cos + i·sin) = (a·cos − b·sin) + i(a·sin + b·cos), with sin already signed.
      m[row(0) + 2 * k] = cos;
      m[row(0) + 2 * k + 1] = sin;
      if (p.inParts === 2) {
        m[row(1) + 2 * k] = -sin;
        m[row(1) + 2 * k + 1] = cos;
      }
    }
  }
  return m;
}

/**
 * DFT (opset 17) lowered to a matmul with a cos/sin basis, since tfjs has no FFT kernel on wasm and no FFT
 * gradient anywhere. The signal axis is moved next to the trailing pair axis, the two are flattened, and one
 * [batch, N·parts] × [N·parts, K·parts'] product does forward, inverse, onesided and irfft alike.
 */
const dft: Kernel = (c) => {
  const x = c.input(0);
  const r = x.rank;
  const axis = normalizeAxis(c.attrs.axis as number, r);
  const inverse = c.attrs.inverse === 1;
  const onesided = c.attrs.onesided === 1;
  const irfft = inverse && onesided;
  const outShape = c.outputInfo(0).shape;
  const n = c.ints(1)?.[0] ?? (irfft ? 2 * (x.shape[axis] - 1) : x.shape[axis]);
  const plan: DftPlan = {
    inBins: x.shape[axis],
    inParts: x.shape[r - 1],
    outBins: outShape[axis],
    outParts: outShape[r - 1],
    n,
    inverse,
    irfft,
  };
  const basis = c.cached(JSON.stringify(plan), () => tf.tensor2d(dftMatrix(plan), [plan.inBins * plan.inParts, plan.outBins * plan.outParts]));
  const perm = [...[...Array(r - 1).keys()].filter((i) => i !== axis), axis, r - 1];
  const moved = tf.transpose(x, perm);
  const lead = moved.shape.slice(0, -2);
  const flat = moved.reshape([-1, plan.inBins * plan.inParts]);
  const y = tf.matMul(flat, basis).reshape([...lead, plan.outBins, plan.outParts]);
  const back = perm.map((_, i) => perm.indexOf(i));
  return [tf.transpose(y, back)];
};

export const dftKernels: Record<string, Kernel> = { DFT: dft };
