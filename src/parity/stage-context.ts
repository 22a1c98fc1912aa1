import type { Tensor } from '../graph/tensor.ts';
import type { GraphExecutor, Session } from '../contracts/backend.ts';
import type { TrainingProgram } from '../train/program.ts';
import type { LrSchedule } from '../train/schedules/lr-schedule.ts';
import type { ParityExperiment } from './experiment.ts';
import type { NoiseElements } from './noise-gradients.ts';
import type { ReferenceRun, TrajectoryResult } from '../contracts/reference.ts';
import type { FirstDivergence, StageName, TensorComparison, Tolerance, TrajectoryRecord } from './report.ts';
import { toleranceFor, type ToleranceOverrides } from './tolerances.ts';

/** Everything one backend's stages need. Stages reset both sides to the initial state before they start. */
export interface StageContext {
  readonly experiment: ParityExperiment;
  readonly backend: string;
  /** The backend under test, compiled from `program`. */
  readonly session: Session;
  /** The program the backend runs (normally the reference's; the mutation suite hands it a broken one). */
  readonly program: TrainingProgram;
  /** The unmodified program the reference runs. */
  readonly refProgram: TrainingProgram;
  readonly reference: ReferenceRun;
  /** Runs the side-graphs localization needs (side-graph.ts): onnxruntime's executor in every parity run. */
  readonly localizer: GraphExecutor;
  readonly tolerances: ToleranceOverrides;
  readonly trajectorySteps: number;
  /** The LR schedule the backend side follows (host-side, tandem's port of torch's schedulers). */
  readonly schedule: () => LrSchedule;
  /**
   * The reference's view of the unmodified program in float64 from the same initial state (the float64 arbiter,
   * judge-float64.ts); opened on first use, only when a float32 comparison fails. Undefined where the reference
   * cannot (a recorded baseline) or the program is float64 already.
   */
  readonly float64?: () => Promise<ReferenceRun>;
  /**
   * The reference's view of the float64 program as `edit` changes it (the kink rule forces pieces of piecewise ops,
   * judge-kinks.ts); opened anew each call, the caller disposes it. Present with `float64`.
   */
  readonly openFloat64?: (edit: (program: TrainingProgram) => TrainingProgram) => Promise<ReferenceRun>;
  /**
   * The reference for the arbiter's second float32 run (opened on first use): the same reference on other CPU
   * kernels where it has them (Reference.otherKernels), else `reference` itself. Read it through secondRun.
   */
  readonly second?: () => Promise<ReferenceRun>;
  /** The backend's own GraphExecutor (opened on first use): values of the backend's graphs its Session does not expose. */
  readonly backendExecutor?: () => Promise<GraphExecutor>;
  /** Why there is no `float64` (said in the notes of a failed case). */
  readonly noArbiter?: string;
  /** The reference's float32 trajectory on reversed batches (a second float32 sample for the arbiter), run once. */
  reversedTrajectory?: Promise<TrajectoryResult>;
  /** The float64 trajectory, run once for `trajectory` and `eval`. */
  float64Trajectory?: Promise<TrajectoryResult>;
  /** Noise-level gradient elements per parameter (noise-gradients.ts), found once per backend. */
  noiseElements?: Promise<NoiseElements>;
  /** The trajectory stage's verdict, judged once: `eval` asks whether the trajectory is within (eval-own-state.ts). */
  trajectoryOutcome?: Promise<StageOutcome>;
  /** The trajectory runs once and `eval` reuses its end states. */
  trajectoryRun?: Promise<{ ours: { losses: number[]; lrs: number[]; state: Map<string, Tensor> }; ref: TrajectoryResult }>;
}

/** What a stage found; the runner adds the id, verdict bookkeeping and timing. */
export interface StageOutcome {
  readonly tensors: TensorComparison[];
  readonly tolerance: Record<string, Tolerance>;
  readonly trajectory?: TrajectoryRecord;
  readonly firstDivergence?: FirstDivergence;
  /** How the verdict was reached beyond plain tolerances (judge-float64.ts). */
  readonly notes?: string[];
  /** A failing stage says in one sentence what failed. */
  readonly failure?: string;
}

export function tol(ctx: StageContext, stage: StageName): Tolerance {
  return toleranceFor(stage, ctx.program.spec.dtype, ctx.tolerances);
}

/** The one-sentence summary of failed comparisons (for the verdict table and the report's `reason`). */
export function failureOf(tensors: readonly TensorComparison[]): string | undefined {
  const bad = tensors.filter((t) => t.verdict === 'fail');
  if (bad.length === 0) return undefined;
  const first = bad[0];
  const why = first.problem ?? `max abs ${first.metrics?.maxAbs}, max rel ${first.metrics?.maxRel}, ${first.metrics?.outside} of ${first.metrics?.count} outside at [${first.metrics?.worstIndex.join(', ')}]`;
  return `${bad.length} of ${tensors.length} tensors outside tolerance; first: ${first.name}: ${why}`;
}

/**
 * Where the arbiter's second float32 run of the reference runs (on reversed batches): a second sample of the
 * reference's rounding, on other CPU kernels when the reference has them (specs/parity.md, the float64 arbiter).
 */
export function secondRun(ctx: StageContext): Promise<ReferenceRun> {
  return ctx.second ? ctx.second() : Promise.resolve(ctx.reference);
}
