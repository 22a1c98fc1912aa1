import { z } from 'zod';
import { STAGES, type StageName } from './report.ts';
import type { ToleranceOverrides } from './tolerances.ts';
import { ParityUsageError } from './errors.ts';

/**
 * The `parity:` config section (spec: specs/parity.md "Config"). Optional: a config without it gets the defaults
 * below, and leaving it out keeps every existing config hash unchanged.
 *
 *   parity:
 *     reference: torch                 # or baseline:<name> (a recorded baseline under baselines/<name>/),
 *                                      # or torch-module:<python file>:<factory> (the user's own nn.Module)
 *     weights: { map: net-map.yaml }   # torch-module only: how graph tensors pair with the module's
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
    .regex(
      /^(torch|baseline:[A-Za-z0-9][A-Za-z0-9_.-]*|torch-module:.+:[A-Za-z_][A-Za-z0-9_]*)$/,
      'use "torch" (the live PyTorch reference), "baseline:<name>" (a baseline recorded with `tandem baseline record`) or "torch-module:<python file>:<factory>" (your own nn.Module; the path is relative to the config file)',
    )
    .optional(),
  weights: z.strictObject({ map: z.string().min(1) }).optional(),
  backends: z.array(z.string().min(1)).min(1).optional(),
  stages: z.array(z.enum(STAGES)).min(1).optional(),
  trajectory_steps: z.int().min(1).max(100_000).default(20),
  tolerances: z.partialRecord(z.enum(STAGES), z.partialRecord(z.enum(['float32', 'float64']), tolerancePair)).optional(),
  arbiter: z.boolean().default(true),
});
export type ParitySection = z.infer<typeof paritySectionSchema>;

/** The user's nn.Module as the reference: `factory()` in `file` (as written: relative to the config file). */
export interface ModuleReferenceSetting {
  readonly kind: 'live';
  readonly name: 'torch-module';
  readonly file: string;
  readonly callable: string;
  /** parity.weights.map (as written: relative to the config file). */
  readonly weightsMap?: string;
}

export interface ParitySettings {
  readonly reference: { readonly kind: 'live'; readonly name: 'torch' } | ModuleReferenceSetting | { readonly kind: 'recorded'; readonly name: string };
  /** null: every registered backend except torch. */
  readonly backends: readonly string[] | null;
  readonly stages: readonly StageName[];
  readonly trajectorySteps: number;
  readonly tolerances: ToleranceOverrides;
  /** Failed float32 comparisons go to the float64 arbiter (judge-float64.ts). */
  readonly arbiter: boolean;
}

/**
 * The section as the engine uses it, defaults filled in (an absent section is all defaults). Without
 * `reference`, `defaultReference` applies: "torch", or the module of a torch-module model.
 */
export function paritySettings(section: unknown, defaultReference = 'torch'): ParitySettings {
  const parsed = paritySectionSchema.parse(section ?? {});
  const s = { ...parsed, reference: parsed.reference ?? defaultReference };
  const stages = s.stages ? STAGES.filter((st) => s.stages!.includes(st)) : [...STAGES];
  return {
    reference: referenceSetting(s),
    backends: s.backends ?? null,
    stages,
    trajectorySteps: s.trajectory_steps,
    tolerances: (s.tolerances ?? {}) as ToleranceOverrides,
    arbiter: s.arbiter,
  };
}

function referenceSetting(s: ParitySection & { reference: string }): ParitySettings['reference'] {
  if (s.weights && !s.reference.startsWith('torch-module:')) {
    throw new ParityUsageError(`parity.weights pairs a graph with a torch module, so it needs parity.reference: torch-module:<file>:<factory> (the reference is "${s.reference}"); remove parity.weights`);
  }
  if (s.reference === 'torch') return { kind: 'live', name: 'torch' };
  if (s.reference.startsWith('baseline:')) return { kind: 'recorded', name: s.reference.slice('baseline:'.length) };
  const body = s.reference.slice('torch-module:'.length);
  const cut = body.lastIndexOf(':');
  return { kind: 'live', name: 'torch-module', file: body.slice(0, cut), callable: body.slice(cut + 1), ...(s.weights ? { weightsMap: s.weights.map } : {}) };
}
