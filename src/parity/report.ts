import { z } from 'zod';

/**
 * The data model of `parity.json` (spec: specs/parity.md "Report"): what a parity run wrote, for the terminal
 * table, the markdown/HTML renderers and the report archive. It is a contract between engineers: change it
 * ADDITIVELY only (new optional fields), and bump `schema` for anything else.
 *
 * JSON cannot hold NaN or ±Infinity, yet a diverged run produces them (a NaN loss, a relative error against an
 * exact 0). Such numbers are written as the strings "NaN", "Infinity", "-Infinity" (`jsonFloat`), never dropped.
 */
export const PARITY_SCHEMA = 'tandem.parity/1';

export const STAGES = ['init', 'forward', 'loss', 'gradients', 'step', 'trajectory', 'eval'] as const;
export type StageName = (typeof STAGES)[number];

export const VERDICTS = ['pass', 'fail', 'error', 'skipped'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const jsonFloat = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
export type JsonFloat = z.infer<typeof jsonFloat>;

/** A number as parity.json stores it: finite numbers as numbers, the rest by name. */
export function toJsonFloat(x: number): JsonFloat {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

export function fromJsonFloat(x: JsonFloat): number {
  return typeof x === 'number' ? x : Number(x);
}

/** `|actual − expected| ≤ atol + rtol·|expected|`, expected = the reference (torch.testing.assert_close's rule). */
export const toleranceSchema = z.strictObject({
  rtol: z.number().min(0),
  atol: z.number().min(0),
  /** Where the numbers came from: "default float32 forward", "config parity.tolerances.gradients.float32". */
  source: z.string(),
});
export type Tolerance = z.infer<typeof toleranceSchema>;

export const tensorMetricsSchema = z.strictObject({
  count: z.int().min(0),
  maxAbs: jsonFloat,
  /** max |a − e| / |e| over elements with e ≠ 0 (0 when there are none). */
  maxRel: jsonFloat,
  /** ‖a − e‖₂ / ‖e‖₂ ("Infinity" when ‖e‖ = 0 and a ≠ e). */
  relL2: jsonFloat,
  /** cos(a, e); 1 when both are all zeros. */
  cosine: jsonFloat,
  allclose: z.boolean(),
  /** Elements outside the tolerance, and their share of all elements. */
  outside: z.int().min(0),
  outsideShare: z.number().min(0).max(1),
  /** The element with the largest tolerance excess (or the largest |a − e| when all pass), as a multi-index. */
  worstIndex: z.array(z.int()),
  worstActual: jsonFloat,
  worstExpected: jsonFloat,
  /** Largest distance in units in the last place of the compared dtype (ULP-style summary). */
  maxUlp: jsonFloat,
});
export type TensorMetrics = z.infer<typeof tensorMetricsSchema>;

export const tensorTypeSchema = z.strictObject({ dtype: z.string(), shape: z.array(z.int()) });

export const TENSOR_ROLES = ['param', 'slot', 'buffer', 'output', 'intermediate', 'loss', 'term', 'grad', 'derivative', 'metric'] as const;

/** What a rule beyond the arbiter measured (backward stability, the kink rule): both sides' errors, and the verdict. */
const ruleMeasure = { oursError: jsonFloat, referenceError: jsonFloat, resolution: jsonFloat, multiple: z.number(), within: z.boolean() };

export const tensorComparisonSchema = z.strictObject({
  name: z.string(),
  role: z.enum(TENSOR_ROLES),
  verdict: z.enum(['pass', 'fail']),
  expected: tensorTypeSchema.nullable(),
  actual: tensorTypeSchema.nullable(),
  /** Why it failed before values were compared: a missing side, a shape or dtype mismatch, a non-finite mismatch. */
  problem: z.string().optional(),
  metrics: tensorMetricsSchema.optional(),
  /**
   * The float64 arbiter (src/parity/arbiter.ts), present when the float32 values failed and the reference re-ran
   * the stage in float64: each float32 side's max abs error against float64, and the verdict of the rule
   * `ours ≤ multiple · reference`.
   */
  arbiter: z
    .strictObject({
      oursError: jsonFloat,
      referenceError: jsonFloat,
      /** The float32 spacing at the largest |float64 value|: the reference's error counts as at least this. */
      resolution: jsonFloat.optional(),
      /** 'sqrt' for Adam's second moments, measured as square roots (the gradient's units; src/parity/arbiter.ts unitsOf). */
      measuredOn: z.enum(['sqrt']).optional(),
      /** 2 when a second float32 run of the reference (each batch reversed, on torch's other CPU kernels where it has them) took part; referenceError is the larger. */
      referenceRuns: z.int().optional(),
      multiple: z.number(),
      verdict: z.enum(['within-reference-error', 'further-than-reference']),
    })
    .optional(),
  /**
   * A parameter after one Adam update that the arbiter found further from float64 than the reference, judged by
   * backward stability (src/parity/update-from-slots.ts): its slots within the reference's float32 error, and the max
   * abs difference between each side's parameter and Adam's formula applied to that side's own slots.
   */
  fromSlots: z.strictObject(ruleMeasure).optional(),
  /**
   * A trajectory end state further from float64 than the reference's, judged update by update from the backend's
   * own states (src/parity/update-walk.ts): each of its `steps` updates within the reference's float32 error.
   */
  updates: z.strictObject({ steps: z.int() }).optional(),
  /**
   * An eval loss that parted at each side's own trajectory end state, while the trajectory passed, judged at the
   * backend's end state instead (src/parity/eval-own-state.ts). `endStates` is what the comparison at each side's own
   * end state found: the max abs difference, and each side's error against float64's evaluation of float64's end state.
   */
  ownEndState: z.strictObject({ endStates: z.strictObject({ maxAbs: jsonFloat, oursError: jsonFloat, referenceError: jsonFloat }) }).optional(),
  /**
   * A state after one update still further from float64 than the reference, judged by the kink rule
   * (src/parity/judge-kinks.ts): `flipped` elements of piecewise ops' inputs lie on another side of a kink on the
   * backend than in float64, each within rounding; the errors are against float64 with each side's pieces forced.
   */
  kink: z.strictObject({ flipped: z.int(), ...ruleMeasure }).optional(),
  /**
   * Elements judged as noise-level gradients (src/parity/noise-gradients.ts): left out of `metrics` and judged by
   * Adam's bound on their update instead. `largestUpdate` is the larger of the two sides' |Δ|.
   */
  noise: z
    .strictObject({
      elements: z.array(z.array(z.int())),
      bound: jsonFloat,
      largestUpdate: jsonFloat,
      withinBound: z.boolean(),
    })
    .optional(),
});
export type TensorComparison = z.infer<typeof tensorComparisonSchema>;

/** One optimizer update of the trajectory: the loss each side computed before it, and the LR each side used. */
export const trajectoryPointSchema = z.strictObject({
  step: z.int().min(1),
  epoch: z.int().min(0),
  lr: z.strictObject({ actual: jsonFloat, expected: jsonFloat }),
  loss: z.strictObject({ actual: jsonFloat, expected: jsonFloat }),
  absDiff: jsonFloat,
  relDiff: jsonFloat,
  withinTolerance: z.boolean(),
});
export type TrajectoryPoint = z.infer<typeof trajectoryPointSchema>;

export const trajectorySchema = z.strictObject({
  steps: z.array(trajectoryPointSchema),
  /** First step whose loss or LR leaves the tolerance; null when none does. */
  firstDivergentStep: z.int().nullable(),
  /** The schedule both sides ran (the config's train.schedule, or constant) and how often it advanced. */
  schedule: z.string(),
  scheduleInterval: z.enum(['epoch', 'step']),
});
export type TrajectoryRecord = z.infer<typeof trajectorySchema>;

export const valueErrorSchema = z.strictObject({
  name: z.string(),
  /** The node producing it, or null for a graph input (parameter, data). */
  producer: z.string().nullable(),
  withinTolerance: z.boolean(),
  maxAbs: jsonFloat,
  relL2: jsonFloat,
});
export type ValueError = z.infer<typeof valueErrorSchema>;

/**
 * Where two runs first part: the first node (in topological order) whose output leaves the tolerance while its
 * inputs stay within it. `kind: forward` compares node outputs; `kind: gradient` compares adjoints (d loss / d
 * value) and names the node whose gradient rule turned matching output adjoints into a diverging input adjoint.
 */
export const firstDivergenceSchema = z.strictObject({
  kind: z.enum(['forward', 'gradient']),
  /** null when every compared value matched (the divergence is outside what was compared: see `message`). */
  node: z
    .strictObject({
      name: z.string(),
      op: z.string(),
      /** For backward nodes: the forward node that caused them. */
      origin: z.string().optional(),
      /** The value(s) of this node that diverge (outputs for forward, the inputs whose adjoint diverges for gradient). */
      diverging: z.array(valueErrorSchema),
      /** The node's inputs (forward) or output adjoints (gradient): within tolerance, by construction of "first". */
      upstream: z.array(valueErrorSchema),
      /**
       * Forward only: inputs computed by nodes the reference graph does not have (so not comparable). When
       * present they are the prime suspect: the backend's graph differs from the reference's right there.
       */
      unmatchedInputs: z.array(z.strictObject({ name: z.string(), producer: z.string(), op: z.string() })).optional(),
      /** rounding: the diverging values agree to within 100 epsilons in relative L2 (src/parity/severity.ts). */
      severity: z.enum(['rounding', 'significant']).optional(),
    })
    .nullable(),
  /** Values compared (each against the reference), in the order compared. */
  compared: z.int().min(0),
  /**
   * torch-module reference only: the first submodule of the user's module (by its forward or backward hooks)
   * whose output (or output gradient) leaves the tolerance against the graph value of its export scope
   * (`/layer1/layer1.0/conv1/` for `layer1.0.conv1`), with its input errors; and the submodules no graph value
   * could be matched to (no nodes in their scope, or no value of their output's shape leaving it).
   */
  submodule: z
    .strictObject({ path: z.string(), className: z.string(), value: z.string(), inputs: z.array(valueErrorSchema), output: valueErrorSchema })
    .optional(),
  unmatchedSubmodules: z.array(z.string()).optional(),
  message: z.string(),
  /** Where the comparison ran, e.g. "onnxruntime vs torch.autograd (adjoint probes)". */
  method: z.string(),
});
export type FirstDivergence = z.infer<typeof firstDivergenceSchema>;

export const parityCaseSchema = z.strictObject({
  /** `<experiment>/<backend>/<stage>`, what selectors match. */
  id: z.string(),
  experiment: z.string(),
  backend: z.string(),
  stage: z.enum(STAGES),
  verdict: z.enum(VERDICTS),
  /** One sentence for error and skipped verdicts (and a summary for fail). */
  reason: z.string().optional(),
  /** The tolerance per dtype compared in this stage. */
  tolerance: z.record(z.string(), toleranceSchema),
  tensors: z.array(tensorComparisonSchema),
  trajectory: trajectorySchema.optional(),
  firstDivergence: firstDivergenceSchema.optional(),
  /** Sentences about how a verdict was reached beyond plain tolerances (the float64 arbiter, noise-level gradients). */
  notes: z.array(z.string()).optional(),
  timing: z.strictObject({ seconds: z.number().min(0) }),
});
export type ParityCase = z.infer<typeof parityCaseSchema>;

export const referenceSchema = z.strictObject({
  kind: z.enum(['live', 'recorded']),
  /** "torch", or the baseline name for recorded references. */
  name: z.string(),
  versions: z.record(z.string(), z.string()),
  /** Recorded references only: the baseline folder and the hashes it was recorded with. */
  baseline: z.strictObject({ path: z.string(), configHash: z.string(), graphHash: z.string(), recordedAt: z.string() }).optional(),
});

export const parityReportSchema = z.strictObject({
  schema: z.literal(PARITY_SCHEMA),
  createdAt: z.string(),
  experiment: z.string(),
  configFile: z.string(),
  configHash: z.string(),
  overrides: z.array(z.string()),
  /** sha256 of the reference program's loss graph (ONNX bytes): what the reference executed. */
  graphHash: z.string(),
  selectors: z.array(z.string()),
  reference: referenceSchema,
  backends: z.array(z.strictObject({ name: z.string(), dtype: z.string(), settings: z.record(z.string(), z.unknown()) })),
  stages: z.array(z.enum(STAGES)),
  trajectorySteps: z.int().min(0),
  batchSize: z.int().min(1),
  seed: z.int(),
  cases: z.array(parityCaseSchema),
  summary: z.strictObject({
    /** pass when every selected case passed or was skipped for a stated reason; error beats fail. */
    verdict: z.enum(['pass', 'fail', 'error']),
    counts: z.strictObject({ pass: z.int(), fail: z.int(), error: z.int(), skipped: z.int() }),
  }),
  timing: z.strictObject({ seconds: z.number().min(0) }),
});
export type ParityReport = z.infer<typeof parityReportSchema>;

/** Reads and validates a parity.json text (renderers and archive readers call this, never JSON.parse alone). */
export function parseParityReport(text: string, where = 'parity.json'): ParityReport {
  const parsed = parityReportSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${where} is not a valid ${PARITY_SCHEMA} report: at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function summarize(cases: readonly ParityCase[]): ParityReport['summary'] {
  const counts = { pass: 0, fail: 0, error: 0, skipped: 0 };
  for (const c of cases) counts[c.verdict]++;
  return { verdict: counts.error ? 'error' : counts.fail ? 'fail' : 'pass', counts };
}
