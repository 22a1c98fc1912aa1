import { z } from 'zod';
import { paritySectionSchema } from '../../parity/parity-config.ts';

/**
 * `plans/<status>/<INITIATIVE>/plan.yaml` (spec: specs/archive-and-plans.md §4): an initiative and its phases.
 * Each phase selects evidence (parity cases of experiment configs, vitest files with name filters), may tighten
 * or loosen parity tolerances, and states the exit criteria that decide its verdict. Paths are relative to the
 * project root, where `tandem` runs.
 */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const nameMessage = 'use letters, digits, ".", "_" and "-" only (it names a directory of the report archive)';

const paritySelectorSchema = z.strictObject({
  /** The experiment config, e.g. conf/quickstart.yaml. */
  config: z.string().min(1),
  /** Hydra-style overrides applied to it, as on the command line. */
  overrides: z.array(z.string()).default([]),
  /** `<experiment>/<backend>/<stage>` globs (src/parity/selectors.ts), e.g. quickstart/onnxruntime/{init,forward}. */
  cases: z.array(z.string().min(1)).min(1),
});

const vitestSelectorSchema = z.strictObject({
  /** A test file, e.g. tests/backends/tfjs/ops.test.ts. */
  file: z.string().min(1),
  /** vitest's `-t`: a regular expression matched against the full test name ("describe > it" joined by spaces). */
  filter: z.string().min(1).optional(),
});

const maxErrorSchema = z.strictObject({
  /** A case glob; every matching case must have compared numbers. */
  cases: z.string().min(1),
  /** The worst max |actual − expected| of each matching case must be below this. */
  below: z.number().positive(),
});

const trajectoryHoldsSchema = z.strictObject({
  cases: z.string().min(1),
  /** The trajectory stays within tolerance for at least this many steps (first divergent step > steps). */
  steps: z.int().min(1),
});

const exitCriteriaSchema = z.strictObject({
  /** Every selected parity case passes; a skipped case does not count as passed. Default: true. */
  parity_cases_pass: z.boolean().default(true),
  /** Every selected vitest test passes and at least one ran. Default: true. */
  tests_pass: z.boolean().default(true),
  max_error: z.array(maxErrorSchema).default([]),
  trajectory_holds: z.array(trajectoryHoldsSchema).default([]),
});

export const phaseSchema = z.strictObject({
  id: z.string().regex(NAME, nameMessage),
  title: z.string().min(1),
  description: z.string().optional(),
  selectors: z.strictObject({
    parity: z.array(paritySelectorSchema).default([]),
    vitest: z.array(vitestSelectorSchema).default([]),
  }),
  /** Parity tolerances for this phase, per stage and dtype: the config's `parity.tolerances`, overriding it. */
  thresholds: paritySectionSchema.shape.tolerances,
  exit_criteria: exitCriteriaSchema.prefault({}),
});
export type Phase = z.infer<typeof phaseSchema>;
export type ParitySelectorGroup = z.infer<typeof paritySelectorSchema>;
export type VitestSelector = z.infer<typeof vitestSelectorSchema>;
export type ExitCriteria = z.infer<typeof exitCriteriaSchema>;

export const PLAN_STATUSES = ['active', 'done', 'proposed', 'abandoned'] as const;

export const planSchema = z.strictObject({
  initiative: z.string().regex(NAME, nameMessage),
  title: z.string().min(1),
  description: z.string().optional(),
  phases: z.array(phaseSchema).min(1),
});
export type PlanDocument = z.infer<typeof planSchema>;
