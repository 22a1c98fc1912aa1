import type { StageName, Tolerance } from './report.ts';

/**
 * Default tolerances per stage and dtype (spec: specs/parity.md "Tolerances"). The anchor is
 * torch.testing.assert_close (`_DTYPE_PRECISIONS`): float32 rtol 1.3e-6 / atol 1e-5, float64 1e-7 / 1e-7, integers
 * exact. Stages further down the pipeline accumulate more rounding, so they widen, never narrow:
 *
 *   init        exact      both sides hold the very numbers tandem drew and pushed; any difference is a transport bug
 *   forward     anchor     one evaluation of the model; assert_close's own numbers
 *   loss        anchor     a mean over the batch adds ~log2(n) roundings, well inside rtol 1.3e-6 for our batch sizes
 *   gradients   ×10 rtol   reverse mode sums fan-out and batch contributions in another order than torch.autograd
 *               (float32: 1.3e-5 / 1e-5); measured on quickstart: max abs 7.5e-8, max rel 1.5e-4 on near-zero elements
 *   step        as gradients, since an update is lr·f(grad); Adam's step 1 is ±lr·sign(g) plus its float32
 *               bias correction (a few ULPs, src/train/optimizers/adam.ts)
 *   trajectory  1e-4 relative on the loss (float32): N steps of float32 Adam drift apart by a few ULPs per step
 *               and the differences compound (quickstart, 20 steps: loss rel 5e-6, parameters max abs 2.4e-6);
 *               a schedule or optimizer bug moves the loss by far more. The LR of each step is compared too.
 *   eval        as trajectory (the parameters at the end of it)
 *
 * A config overrides any of them under `parity.tolerances.<stage>.<dtype>`.
 */
type FloatDType = 'float32' | 'float64';

export const DEFAULT_TOLERANCES: Readonly<Record<StageName, Readonly<Record<FloatDType, { rtol: number; atol: number }>>>> = {
  init: { float32: { rtol: 0, atol: 0 }, float64: { rtol: 0, atol: 0 } },
  forward: { float32: { rtol: 1.3e-6, atol: 1e-5 }, float64: { rtol: 1e-7, atol: 1e-7 } },
  loss: { float32: { rtol: 1.3e-6, atol: 1e-5 }, float64: { rtol: 1e-7, atol: 1e-7 } },
  gradients: { float32: { rtol: 1.3e-5, atol: 1e-5 }, float64: { rtol: 1e-6, atol: 1e-7 } },
  step: { float32: { rtol: 1.3e-5, atol: 1e-5 }, float64: { rtol: 1e-6, atol: 1e-7 } },
  trajectory: { float32: { rtol: 1e-4, atol: 1e-5 }, float64: { rtol: 1e-6, atol: 1e-7 } },
  eval: { float32: { rtol: 1e-4, atol: 1e-5 }, float64: { rtol: 1e-6, atol: 1e-7 } },
};

export type ToleranceOverrides = Partial<Record<StageName, Partial<Record<FloatDType, { rtol: number; atol: number }>>>>;

/** The tolerance a stage compares `dtype` with: the config's override when it has one, else the default. */
export function toleranceFor(stage: StageName, dtype: string, overrides: ToleranceOverrides = {}): Tolerance {
  if (dtype !== 'float32' && dtype !== 'float64') return { rtol: 0, atol: 0, source: `exact (${dtype} compares exactly)` };
  const configured = overrides[stage]?.[dtype];
  if (configured) return { ...configured, source: `config parity.tolerances.${stage}.${dtype}` };
  return { ...DEFAULT_TOLERANCES[stage][dtype], source: `default ${stage} ${dtype} (specs/parity.md)` };
}
