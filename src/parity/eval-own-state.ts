import type { Tensor } from '../graph/tensor.ts';
import type { LossSummary } from '../train/history.ts';
import { toFloat64 } from './float64-reference.ts';
import type { Judged } from './judge-float64.ts';
import { judgedLosses } from './judge-losses.ts';
import { toJsonFloat, type TensorComparison } from './report.ts';
import { failureOf, secondRun, type StageContext, type StageOutcome } from './stage-context.ts';

/**
 * Eval losses judged at the backend's own end state (specs/parity.md "Eval at the backend's own end state").
 * The eval stage evaluates each side at its own trajectory end state. When the trajectory passed only because
 * its end state is float32 rounding amplified by training (update-walk.ts: every update right from the backend's
 * own state), the end states part by that amplification, and so do the losses evaluated at them, by as much, with
 * no update-by-update form to tell them apart. The eval stage checks the EVALUATION: so eval losses that failed
 * and that the float64 arbiter did not clear are judged again against the reference's evaluation of the
 * backend's own end state (float32 at the eval tolerance, float64 of that state through the arbiter, a second
 * float32 run on reversed batches), only when the trajectory is itself within. A wrong evaluation (a wrong op, a
 * stale state) is wrong at any state and still fails; a trajectory that is not within keeps the verdict.
 * `atEachEndState` is the first judgement; `trajectory` the trajectory stage's verdict.
 */
export async function judgeAtOwnEndState(
  ctx: StageContext,
  split: 'train' | 'validation',
  ours: LossSummary,
  state: ReadonlyMap<string, Tensor>,
  atEachEndState: Judged,
  trajectory: () => Promise<StageOutcome>,
): Promise<Judged> {
  const failed = atEachEndState.tensors.filter((t) => t.verdict === 'fail');
  // Only values the arbiter measured and did not clear: a missing loss or a case without float64 stands as it is.
  if (!ctx.float64 || !failed.length || failed.some((t) => t.problem || !t.arbiter)) return atEachEndState;
  const walk = await trajectory().catch(() => undefined);
  if (!walk || walk.failure) return { ...atEachEndState, notes: [...atEachEndState.notes, `${split}: not judged at the backend's own end state: the trajectory stage did not pass, so its end state is not known to be within`] };
  const reference = ctx.reference;
  const r64 = await ctx.float64();
  const end64 = toFloat64(state);
  const theirs = await ctx.experiment.splitLoss(split, (feed) => reference.evaluate(feed, state));
  if (!theirs) return atEachEndState;
  const truth = () => ctx.experiment.splitLoss(split, (feed) => r64.evaluate(feed, end64));
  const second = () => ctx.experiment.splitLoss(split, async (feed) => (await secondRun(ctx)).evaluate(ctx.experiment.reversed(feed), state));
  const atOwn = await judgedLosses(ctx, ours, theirs, `${split}/`, 'eval', truth, second);
  const how = walk.tensors.some((t) => t.updates) ? 'judged update by update' : "its end state within tolerance or the reference's float32 error";
  const parted = failed.map(partedBy).join('; ');
  const own = atOwn.tensors.map(agreement).join('; ');
  if (failureOf(atOwn.tensors)) {
    return {
      ...atEachEndState,
      notes: [
        ...atEachEndState.notes,
        `${split}: evaluated at the backend's own end state too, its eval losses still differ from the reference's evaluation of that same state (${own}): the evaluation itself differs, so the verdict stands`,
      ],
    };
  }
  const before = new Map(atEachEndState.tensors.map((t) => [t.name, t]));
  const tensors = atOwn.tensors.map((t): TensorComparison => {
    const first = before.get(t.name);
    if (!first?.arbiter) return t;
    const endStates = { maxAbs: first.metrics?.maxAbs ?? toJsonFloat(NaN), oursError: first.arbiter.oursError, referenceError: first.arbiter.referenceError };
    return { ...t, ownEndState: { endStates } };
  });
  return {
    tensors,
    notes: [
      `${split}: the eval losses part at each side's own end state (${parted}), while the trajectory passed (${how}): the end states part by float32 rounding amplified by training; at the backend's own end state the reference's evaluation agrees (${own}), so the evaluation is right`,
      ...atOwn.notes.map((n) => `at the backend's own end state, ${n}`),
    ],
  };
}

const fmt = (x: number | string | undefined) => (typeof x === 'number' ? x.toPrecision(4) : String(x));

/** `train/loss: backend 0.4420 vs reference 0.4545 (from float64's: backend 1.25e-2, float32 reference 8.90e-6)`. */
function partedBy(t: TensorComparison): string {
  const a = t.arbiter!;
  return `${t.name}: backend ${fmt(t.metrics?.worstActual)} vs reference ${fmt(t.metrics?.worstExpected)}, from float64's: backend ${fmt(a.oursError)}, float32 reference ${fmt(a.referenceError)}`;
}

/** `train/loss: backend 0.4420, reference 0.4420 (max abs 1.19e-7)`. */
function agreement(t: TensorComparison): string {
  return `${t.name}: backend ${fmt(t.metrics?.worstActual)}, reference ${fmt(t.metrics?.worstExpected)} (max abs ${fmt(t.metrics?.maxAbs)}${t.arbiter ? `; from float64's evaluation of that state: backend ${fmt(t.arbiter.oursError)}, float32 reference ${fmt(t.arbiter.referenceError)}` : ''})`;
}
