import { z } from 'zod';
import { STAGES, type StageName } from './report.ts';
import type { ToleranceOverrides } from './tolerances.ts';

/**
 * The `parity:` config section (spec: specs/parity.md "Config"). Optional: a config without it gets the defaults
 * below, and leaving it out keeps every existing config hash unchanged.
 *
 *   parity:
 *     reference: torch                 # or baseline:<name> (a recorded baseline under baselines/<name>/)
 *     backends: [onnxruntime, tfjs]    # default: every registered backend except torch
 *     stages: [init, forward, loss, gradients, step, trajectory, eval]
 *     trajectory_steps: 20
 *     tolerances: { gradients: { float32: { rtol: 1e-4, atol: 1e-4 } } }
 *     arbiter: true                    # false: float32 verdicts stand, without the float64 arbiter (arbiter.ts)
 */
const bound = (what: string) =>
  z.number({ message: `${what} must be a number` }).min(0, { message: `${what} must be >= 0: a tolerance is a bound on |actual − expected|, and a negative one would fail every comparison` });

const tolerancePair = z.strictObject({ rtol: bound('rtol'), atol: bound('atol') });

export const paritySectionSchema = z.strictObject({
  reference: z
    .string()
    .regex(/^(torch|baseline:[A-Za-z0-9][A-Za-z0-9_.-]*)$/, 'use "torch" (the live PyTorch reference) or "baseline:<name>" (a baseline recorded with `tandem baseline record`)')
    .default('torch'),
  backends: z.array(z.string().min(1)).min(1).optional(),
  stages: z.array(z.enum(STAGES)).min(1).optional(),
  trajectory_steps: z.int().min(1).max(100_000).default(20),
  tolerances: z.partialRecord(z.enum(STAGES), z.partialRecord(z.enum(['float32', 'float64']), tolerancePair)).optional(),
  arbiter: z.boolean().default(true),
});
export type ParitySection = z.infer<typeof paritySectionSchema>;

export interface ParitySettings {
  readonly reference: { readonly kind: 'live'; readonly name: 'torch' } | { readonly kind: 'recorded'; readonly name: string };
  /** null: every registered backend except torch. */
  readonly backends: readonly string[] | null;
  readonly stages: readonly StageName[];
  readonly trajectorySteps: number;
  readonly tolerances: ToleranceOverrides;
  /** Failed float32 comparisons go to the float64 arbiter (judge-float64.ts). */
  readonly arbiter: boolean;
}

/** The section as the engine uses it, defaults filled in (an absent section is all defaults). */
export function paritySettings(section: unknown): ParitySettings {
  const s = paritySectionSchema.parse(section ?? {});
  const stages = s.stages ? STAGES.filter((st) => s.stages!.includes(st)) : [...STAGES];
  return {
    reference: s.reference === 'torch' ? { kind: 'live', name: 'torch' } : { kind: 'recorded', name: s.reference.slice('baseline:'.length) },
    backends: s.backends ?? null,
    stages,
    trajectorySteps: s.trajectory_steps,
    tolerances: (s.tolerances ?? {}) as ToleranceOverrides,
    arbiter: s.arbiter,
  };
}
