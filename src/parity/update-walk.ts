import type { Tensor } from '../graph/tensor.ts';
import { stateKinds } from '../train/program.ts';
import type { StepResult } from '../contracts/backend.ts';
import { compareTensors, scalarTensor } from './compare-tensors.ts';
import { toFloat64 } from './float64-reference.ts';
import { judgeState, judgeValues } from './judge-float64.ts';
import { judgeKinks } from './judge-kinks.ts';
import type { TensorComparison, Tolerance, TrajectoryRecord } from './report.ts';
import { failureOf, secondRun, tol as stageTolerance, type StageContext } from './stage-context.ts';
import { sameLr } from './trajectory.ts';

/** What judging a trajectory update by update found: every update within, or the first one that is not. */
export type UpdateWalk =
  | { readonly within: true; readonly steps: number; readonly notes: readonly string[] }
  | { readonly within: false; readonly step: number; readonly failure: string; readonly notes: readonly string[] }
  | { readonly within: false; readonly unavailable: string };

/**
 * A trajectory judged update by update from the backend's own states (specs/parity.md "Trajectories: update by
 * update"), asked for only when its end state is further from float64 than the reference's two float32 runs.
 * Training is not a continuous function of its state: a ReLU whose pre-activation sits within rounding of 0 on one
 * sample is on in one trajectory and off in another, and from then on a parameter's gradient differs by a finite
 * amount on each (squeezenet1_1, lr 1e-2: features.10.squeeze.bias[12] gets +6.2e-4 on torch's trajectory, +2.3e-4 on
 * float64's and −1.8e-4 on onnxruntime's at update 9, while at any ONE state all engines agree to 1e-8). Which side
 * of such a kink a float32 run lands on is chance, so end states cannot tell a backend from float32 rounding there.
 * A trajectory is right when every update is: for each update t, from the state the backend reached, the backend's
 * update and its loss are judged as the step stage judges update 1 (tolerances, the float64 arbiter with a second
 * float32 run on the reversed batch, noise-level elements, backward stability, kink flips) against the reference's float32 and
 * float64 updates from that same state, with the reference's LR. A wrong rule, optimizer or schedule is wrong at
 * some update from any state; rounding amplified by the dynamics is not.
 */
export async function walkUpdates(ctx: StageContext, lrs: { readonly ours: readonly number[]; readonly ref: readonly number[] }): Promise<UpdateWalk> {
  // One update at a time: the step stage's tolerance, not the trajectory's (which allows for N updates compounding).
  const tol = stageTolerance(ctx, 'step');
  const update = ctx.reference.update;
  const r64 = await ctx.float64!();
  if (!update || !r64.update) return { within: false, unavailable: 'the reference cannot update from a given state' };
  const batches = ctx.experiment.trajectory(lrs.ours.length);
  const kind = stateKinds(ctx.refProgram);
  let state: ReadonlyMap<string, Tensor> = ctx.program.initialState();
  // What the kink rule decided at updates that pass, said with the walk's verdict.
  const kinkNotes: string[] = [];
  for (const [i, b] of batches.entries()) {
    const index = i + 1;
    const from = state;
    const lr = { ours: lrs.ours[i], ref: lrs.ref[i] };
    ctx.session.setState(from);
    const result = await ctx.session.step(b.feed, lr.ours, index);
    const ours = ctx.session.getState();
    const ref = await update(from, b.feed, lr.ref, index);
    let truth: Promise<{ result: StepResult; state: Map<string, Tensor> }> | undefined;
    const float64 = () => (truth ??= r64.update!(toFloat64(from), b.feed, lr.ref, index));
    const compared = ctx.refProgram.stateNames.map((n) => compareTensors(n, kind(n), ours.get(n), ref.state.get(n), tol));
    let reversed: Promise<Map<string, Tensor>> | undefined;
    const second = () => (reversed ??= secondRun(ctx).then((r) => (r.update ?? update)(from, ctx.experiment.reversed(b.feed), lr.ref, index)).then((r) => r.state));
    const truthState = async () => (await float64()).state;
    const arbitrated = await judgeState(ctx, compared, ours, ref.state, { ours: [lr.ours], ref: [lr.ref] }, tol, truthState, second, { state: from, index });
    const states = await judgeKinks(ctx, arbitrated, { from, batch: b.feed, lr, index, ours, ref: ref.state, truth: truthState, second });
    kinkNotes.push(...states.notes.slice(arbitrated.notes.length).map((n) => `update ${index}: ${n}`));
    const loss = await judgeLoss(ctx, result, ref.result, stageTolerance(ctx, 'loss'), async () => (await float64()).result);
    const tensors: TensorComparison[] = [...loss.tensors, ...states.tensors];
    const failure = failureOf(tensors);
    if (failure) return { within: false, step: index, failure, notes: [...loss.notes, ...states.notes] };
    state = ours;
  }
  return { within: true, steps: batches.length, notes: kinkNotes };
}

/** The loss before one update, judged with the float64 arbiter (the loss float64 computes from the same state). */
async function judgeLoss(ctx: StageContext, ours: StepResult, ref: StepResult, tol: Tolerance, truth: () => Promise<StepResult>) {
  const dtype = ctx.program.spec.dtype;
  const named = (d: 'float32' | 'float64', r: StepResult) => new Map([['loss', scalarTensor(d, r.loss)]]);
  const compared = [compareTensors('loss', 'loss', scalarTensor(dtype, ours.loss), scalarTensor(dtype, ref.loss), tol)];
  return judgeValues(ctx, compared, named(dtype, ours), named(dtype, ref), async () => named('float64', await truth()));
}

/**
 * The trajectory stage's verdict after the end-state arbiter: where end-state tensors are still further from
 * float64 than the reference, or loss points with the same LR still part, the trajectory is walked update by
 * update (walkUpdates). When every update is within, those pass (recorded as `updates` on the tensor) with a note
 * naming them; otherwise the note says which update first differs, and the verdict stands.
 */
export async function judgeByUpdates(
  ctx: StageContext,
  tensors: TensorComparison[],
  record: TrajectoryRecord,
  tol: Tolerance,
  lrs: { readonly ours: readonly number[]; readonly ref: readonly number[] },
): Promise<{ tensors: TensorComparison[]; record: TrajectoryRecord; notes: string[] }> {
  const curveRounding = record.steps.filter((p) => !p.withinTolerance).every((p) => sameLr(p.lr, tol));
  const further = (c: TensorComparison) => c.verdict === 'fail' && c.arbiter?.verdict === 'further-than-reference';
  // Only what float32 rounding could explain is walked: a missing tensor, a noise element past Adam's bound or a
  // different LR fails as it is.
  const otherFailures = tensors.some((c) => c.verdict === 'fail' && !further(c));
  if ((!tensors.some(further) && record.firstDivergentStep === null) || !ctx.float64 || otherFailures || !curveRounding) return { tensors, record, notes: [] };
  const walk = await walkUpdates(ctx, lrs);
  if ('unavailable' in walk) return { tensors, record, notes: [`not judged update by update: ${walk.unavailable}`] };
  if (!walk.within) {
    const why = `judged update by update from the backend's own states, update ${walk.step} already differs: ${walk.failure}`;
    return { tensors, record, notes: [why, ...walk.notes.map((n) => `update ${walk.step}: ${n}`)] };
  }
  const passed = tensors.filter(further).map((c) => c.name);
  const what = [...(passed.length ? [`the end state (${passed.slice(0, 4).join(', ')}${passed.length > 4 ? ', …' : ''}) is further from float64 than the reference's`] : []), ...(record.firstDivergentStep !== null ? [`the loss curves part at step ${record.firstDivergentStep}`] : [])];
  return {
    tensors: tensors.map((c) => (further(c) ? { ...c, verdict: 'pass', updates: { steps: walk.steps } } : c)),
    record: { ...record, firstDivergentStep: null },
    notes: [
      `${what.join(', and ')}, but each of the ${walk.steps} updates, taken from the backend's own state, is within the reference's float32 error of float64's update from that state: float32 rounding amplified by the training dynamics (Adam near eps, a ReLU that turns on in one trajectory only), not a wrong update`,
      ...walk.notes,
    ],
  };
}
