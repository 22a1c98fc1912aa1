import { fromJsonFloat, type ValueError } from './report.ts';

/**
 * Whether a divergence is rounding or a real difference. A value can leave an element-wise tolerance through
 * accumulation order alone (a conv-weight gradient sums thousands of products; a DFT output mixes large
 * magnitudes), yet agree with the reference to a relative L2 error of a few hundred ULPs. A wrong rule, layout
 * or constant moves the relative L2 error to 1e-3 … 1. The line between them: 100 machine epsilons of the dtype
 * (float32: 1.2e-5, float64: 2.2e-14); the measured wrong-rule and layout mutations sit above 1e-2.
 */
export type Severity = 'rounding' | 'significant';

const EPS: Record<string, number> = { float32: 2 ** -23, float64: 2 ** -52 };

export function severityOf(values: readonly ValueError[], dtype: string): Severity {
  const limit = 100 * (EPS[dtype] ?? 0);
  return values.every((v) => fromJsonFloat(v.relL2) <= limit) ? 'rounding' : 'significant';
}

export function roundingNote(dtype: string, stage: string): string {
  return `the difference is at rounding level (relative L2 within 100 ${dtype} epsilons), typical of accumulation order in a large reduction or a DFT, not of a wrong op; if that is acceptable, widen parity.tolerances.${stage}.${dtype}`;
}
