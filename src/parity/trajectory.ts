import type { Tensor } from '../graph/tensor.ts';
import type { TrajectoryResult } from '../contracts/reference.ts';
import { toJsonFloat, type Tolerance, type TrajectoryRecord } from './report.ts';
import type { StageContext } from './stage-context.ts';

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
