import type { Tensor } from '../graph/tensor.ts';
import type { TrajectoryResult } from '../contracts/reference.ts';
import { ARBITER_MULTIPLE } from './arbiter.ts';
import { fromJsonFloat, toJsonFloat, type JsonFloat, type Tolerance, type TrajectoryRecord } from './report.ts';
import { secondRun, type StageContext } from './stage-context.ts';

export interface OurTrajectory {
  readonly losses: number[];
  readonly lrs: number[];
  readonly state: Map<string, Tensor>;
}

/**
 * N training steps on both sides from the initial state, on the trainer's batches. Our side: the fused step
 * graph with tandem's host-side schedule choosing each LR. The reference: torch.optim with its own
 * lr_scheduler, advanced on the same cadence (every step, or after the last batch of each epoch). The
 * ReduceLROnPlateau metric is the loss of the step that ends the interval on BOTH sides (the reference can
 * only see that one), which is not what a training run monitors (the validation loss); documented.
 * Runs once per backend; `eval` reuses the end states.
 */
export function runTrajectory(ctx: StageContext): Promise<{ ours: OurTrajectory; ref: TrajectoryResult }> {
  ctx.trajectoryRun ??= (async () => {
    const batches = ctx.experiment.trajectory(ctx.trajectorySteps);
    const interval = ctx.experiment.train.schedule_interval ?? 'epoch';
    const schedule = ctx.schedule();
    ctx.session.setState(ctx.program.initialState());
    const losses: number[] = [];
    const lrs: number[] = [];
    for (const [i, b] of batches.entries()) {
      const lr = schedule.lr;
      const r = await ctx.session.step(b.feed, lr, i + 1);
      losses.push(r.loss);
      lrs.push(lr);
      if (interval === 'step' || b.endOfEpoch) schedule.step(r.loss);
    }
    const ours = { losses, lrs, state: ctx.session.getState() };
    const ref = await ctx.reference.trajectory(batches);
    return { ours, ref };
  })();
  return ctx.trajectoryRun;
}

/** The reference's float32 trajectory again, on the same batches with their samples reversed, run once. */
export function runReversedTrajectory(ctx: StageContext): Promise<TrajectoryResult> {
  ctx.reversedTrajectory ??= secondRun(ctx).then((r) => r.trajectory(ctx.experiment.trajectory(ctx.trajectorySteps).map((b) => ({ ...b, feed: ctx.experiment.reversed(b.feed) }))));
  return ctx.reversedTrajectory;
}

/** The same trajectory on the float64 reference from the same initial state (the arbiter's truth), run once. */
export function runFloat64Trajectory(ctx: StageContext): Promise<TrajectoryResult> {
  ctx.float64Trajectory ??= (async () => (await ctx.float64!()).trajectory(ctx.experiment.trajectory(ctx.trajectorySteps)))();
  return ctx.float64Trajectory;
}

/** The divergence curve: per step, the loss each side computed before its update and the LR it used. */
export function compareTrajectory(ctx: StageContext, ours: OurTrajectory, ref: TrajectoryResult, tolerance: Tolerance): TrajectoryRecord {
  const batches = ctx.experiment.trajectory(ctx.trajectorySteps);
  const within = (a: number, e: number) => (Number.isNaN(a) && Number.isNaN(e)) || Math.abs(a - e) <= tolerance.atol + tolerance.rtol * Math.abs(e);
  const steps = ours.losses.map((loss, i) => {
    const expected = ref.records[i]?.loss ?? NaN;
    const lrE = ref.records[i]?.lr ?? NaN;
    const abs = Math.abs(loss - expected);
    return {
      step: i + 1,
      epoch: batches[i].epoch,
      lr: { actual: toJsonFloat(ours.lrs[i]), expected: toJsonFloat(lrE) },
      loss: { actual: toJsonFloat(loss), expected: toJsonFloat(expected) },
      absDiff: toJsonFloat(abs),
      relDiff: toJsonFloat(expected === 0 ? (abs === 0 ? 0 : Infinity) : abs / Math.abs(expected)),
      // An LR is a schedule's exact arithmetic: compared with the same rule, so rounding passes and a shifted step does not.
      withinTolerance: within(loss, expected) && within(ours.lrs[i], lrE),
    };
  });
  const first = steps.find((s) => !s.withinTolerance);
  const schedule = ctx.experiment.train.schedule as { name?: string } | undefined;
  return {
    steps,
    firstDivergentStep: first ? first.step : null,
    schedule: schedule?.name ?? 'constant',
    scheduleInterval: ctx.experiment.train.schedule_interval ?? 'epoch',
  };
}

/**
 * The loss curve judged by the float64 arbiter: a step whose loss left the tolerance while both sides used the
 * same LR passes when the backend's loss is no further from the float64 trajectory's than ARBITER_MULTIPLE times
 * the float32 reference's (the larger error of its two runs: the batches in order and reversed). An LR that differs is exact arithmetic gone wrong (a schedule bug), never rounding.
 * Returns the record with `firstDivergentStep` recomputed, and a note for the steps the arbiter passed.
 */
export function arbitrateCurve(record: TrajectoryRecord, truth: TrajectoryResult, second: TrajectoryResult, tolerance: Tolerance): { record: TrajectoryRecord; notes: string[] } {
  const cleared: { step: number; ours: number; ref: number }[] = [];
  let first: number | null = null;
  for (const p of record.steps) {
    if (p.withinTolerance) continue;
    const t = truth.records[p.step - 1]?.loss ?? NaN;
    const ours = Math.abs(fromJsonFloat(p.loss.actual) - t);
    // The larger of the reference's two float32 runs (the batches in order and reversed), as for tensors.
    const ref = Math.max(Math.abs(fromJsonFloat(p.loss.expected) - t), Math.abs((second.records[p.step - 1]?.loss ?? NaN) - t) || 0);
    if (sameLr(p.lr, tolerance) && ours <= ARBITER_MULTIPLE * ref) cleared.push({ step: p.step, ours, ref });
    else first ??= p.step;
  }
  if (cleared.length === 0) return { record, notes: [] };
  const worst = cleared.reduce((w, c) => (c.ours > w.ours ? c : w));
  const note = `loss at step${cleared.length > 1 ? 's' : ''} ${cleared.map((c) => c.step).join(', ')}: within the reference's float32 error of the float64 trajectory (largest: step ${worst.step}, backend ${worst.ours.toPrecision(3)} vs float32 reference ${worst.ref.toPrecision(3)} from float64)`;
  return { record: { ...record, firstDivergentStep: first }, notes: [note] };
}

/** Whether both sides used the same LR at a point of the curve (an LR is exact arithmetic: never rounding). */
export function sameLr(lr: { actual: JsonFloat; expected: JsonFloat }, tolerance: Tolerance): boolean {
  const [a, e] = [fromJsonFloat(lr.actual), fromJsonFloat(lr.expected)];
  return Math.abs(a - e) <= tolerance.atol + tolerance.rtol * Math.abs(e);
}
