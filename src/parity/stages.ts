import type { BatchFeed } from '../contracts/backend.ts';
import { cutDerivatives } from '../contracts/derivative-terms.ts';
import type { Tensor } from '../graph/tensor.ts';
import { gradOutput, stateKinds } from '../train/program.ts';
import { selectOutputs } from '../train/select-outputs.ts';
import { compareTensors } from './compare-tensors.ts';
import { firstForwardDivergence, intermediateNames } from './first-divergence.ts';
import { firstGradientDivergence } from './gradient-divergence.ts';
import { firstSubmoduleDivergence } from './submodule-divergence.ts';
import { LocalizationUnavailable } from './errors.ts';
import { compareInputDerivatives } from './input-derivatives.ts';
import { initialFeeds } from './side-graph.ts';
import type { FirstDivergence, StageName, TensorComparison } from './report.ts';
import { failureOf, secondRun, tol, type StageContext, type StageOutcome } from './stage-context.ts';
import { arbitrateCurve, compareTrajectory, runFloat64Trajectory, runReversedTrajectory, runTrajectory } from './trajectory.ts';
import { judgeState, judgeValues, referenceOptimizer } from './judge-float64.ts';
import { judgedLosses } from './judge-losses.ts';
import { judgeAtOwnEndState } from './eval-own-state.ts';
import { judgeGradientKinks, judgeKinks } from './judge-kinks.ts';
import { stepDiagnosis } from './step-diagnosis.ts';
import { judgeByUpdates } from './update-walk.ts';

/**
 * One function per parity stage (docs/architecture.md "A parity run"). Each resets the backend to the program's
 * initial state first, so a stage's verdict never depends on which stages ran before it.
 */
export const STAGE_RUNNERS: Readonly<Record<StageName, (ctx: StageContext) => Promise<StageOutcome>>> = {  async init(ctx) {
    // Straight after compile, before any setState: the state the backend built from the program must be the
    // seeded one the reference holds.
    const tolerance = tol(ctx, 'init');
    const ours = ctx.session.getState();
    const ref = await ctx.reference.initialParams();
    const tensors = ctx.refProgram.params.map((p) => compareTensors(p.name, 'param', ours.get(p.name), ref.get(p.name), tolerance));
    return outcome(ctx, tensors, 'init');
  },

  async forward(ctx) {
    const batch = ctx.experiment.firstBatch();
    const tolerance = tol(ctx, 'forward');
    ctx.session.setState(ctx.program.initialState());
    const ours = await ctx.session.forward(batch);
    const ref = await ctx.reference.forward(batch, []);
    const compared = ctx.refProgram.outputs.map((o) => compareTensors(o, 'output', ours.get(o), ref.get(o), tolerance));
    const { tensors, notes } = await judgeValues(ctx, compared, ours, ref, async () => (await ctx.float64!()).forward(batch, []));
    if (!failureOf(tensors)) return outcome(ctx, tensors, 'forward', notes);
    // Against the user's module there are no graph intermediates on the reference side: localize by submodule.
    if (ctx.reference.submodules) return { ...outcome(ctx, tensors, 'forward', notes), firstDivergence: await firstSubmoduleDivergence(ctx, batch, tolerance, 'forward') };
    // Bisection: every intermediate value on both sides, the backend's own execution against torch's.
    const names = intermediateNames(ctx.program.graphs.forward);
    const refNames = names.filter((n) => ctx.refProgram.graphs.forward.values.has(n));
    const oursAll = await ctx.session.forward(batch, { extraOutputs: names });
    const refAll = await ctx.reference.forward(batch, refNames);
    const firstDivergence = firstForwardDivergence(
      ctx.program.graphs.forward,
      oursAll,
      refAll,
      tolerance,
      `${ctx.backend} Session.forward(extraOutputs) vs torch interpreter`,
      `with every intermediate exported the backend agrees; it computes the outputs differently when they are the only outputs (a fusion or graph optimization), so compare with its optimizations disabled`,
      'forward',
    );
    return { ...outcome(ctx, tensors, 'forward', notes), firstDivergence };
  },

  async loss(ctx) {
    const batch = ctx.experiment.firstBatch();
    const tolerance = tol(ctx, 'loss');
    ctx.session.setState(ctx.program.initialState());
    const truth = async () => (await ctx.float64!()).evaluate(batch);
    const second = async () => (await secondRun(ctx)).evaluate(ctx.experiment.reversed(batch));
    const { tensors, notes } = await judgedLosses(ctx, await ctx.session.evaluate(batch), await ctx.reference.evaluate(batch), '', 'loss', truth, second);
    if (!failureOf(tensors)) return outcome(ctx, tensors, 'loss', notes);
    const unavailable = (why: string) => {
      const message = `loss localization unavailable: ${why}`;
      return { ...outcome(ctx, tensors, 'loss', notes), firstDivergence: { kind: 'forward' as const, node: null, compared: 0, message, method: 'none' } };
    };
    if (ctx.reference.submodules) return unavailable("the reference is the user's module, which has no loss-graph values to compare; the forward and gradients stages localize by submodule");
    if (!ctx.reference.execute) return unavailable('the reference cannot execute graphs');
    // The Session contract exposes no loss-graph intermediates, so the side's loss graph runs on onnxruntime
    // (tandem's executor of record) against the torch interpreter on the reference's loss graph (or the values
    // a baseline recorded from it).
    const lossGraph = ctx.program.graphs.loss;
    const names = [...new Set([...intermediateNames(lossGraph), ...lossGraph.outputs.map((o) => o.name)])];
    const feeds = initialFeeds(ctx.program, batch);
    const refGraph = cutDerivatives(ctx.refProgram.graphs.loss, ctx.refProgram.derivatives);
    let ref: Map<string, Tensor>;
    try {
      ref = await ctx.reference.execute(refGraph, feeds, names.filter((n) => refGraph.values.has(n)), ctx.refProgram.derivatives);
    } catch (e) {
      if (e instanceof LocalizationUnavailable) return unavailable(e.message);
      throw e;
    }
    const ours = await ctx.localizer.run(selectOutputs(lossGraph, names, `${lossGraph.name}.all`), feeds);
    const firstDivergence = firstForwardDivergence(
      lossGraph,
      ours,
      ref,
      tolerance,
      'loss graph on onnxruntime vs torch interpreter',
      `run by onnxruntime outside the ${ctx.backend} session, the side's loss graph agrees with torch, so the graph is right and the difference comes from how the ${ctx.backend} backend executes it`,
      'loss',
    );
    return { ...outcome(ctx, tensors, 'loss', notes), firstDivergence: derivativeNote(ctx, firstDivergence) };
  },

  async gradients(ctx) {
    const batch = ctx.experiment.firstBatch();
    const tolerance = tol(ctx, 'gradients');
    ctx.session.setState(ctx.program.initialState());
    const ours = await ctx.session.gradients(batch);
    const ref = await ctx.reference.gradients(batch);
    const compared = [
      ...ctx.refProgram.params.map((p) => compareTensors(gradOutput(p.name), 'grad', ours.grads.get(p.name), ref.grads.get(p.name), tolerance)),
      ...(await compareInputDerivatives(ctx, batch)),
    ];
    const byGrad = (m: ReadonlyMap<string, Tensor>) => new Map([...m].map(([k, v]) => [gradOutput(k), v]));
    let truth: Promise<Map<string, Tensor>> | undefined;
    let reversed: Promise<Map<string, Tensor>> | undefined;
    const truthGrads = () => (truth ??= ctx.float64!().then(async (r64) => byGrad((await r64.gradients(batch)).grads)));
    const second = () => (reversed ??= secondRun(ctx).then((r) => r.gradients(ctx.experiment.reversed(batch))).then((r) => byGrad(r.grads)));
    const [oursGrads, refGrads] = [byGrad(ours.grads), byGrad(ref.grads)];
    const arbitrated = await judgeValues(ctx, compared, oursGrads, refGrads, truthGrads, second);
    const { tensors, notes } = await judgeGradientKinks(ctx, arbitrated, { batch, ours: oursGrads, ref: refGrads, truth: truthGrads, second });
    if (!failureOf(tensors)) return outcome(ctx, tensors, 'gradients', notes);
    // A gradient rule is blamed only for what it computes from matching forward values.
    const upstream = await forwardDivergence(ctx, batch);
    if (upstream) return { ...outcome(ctx, tensors, 'gradients', notes), firstDivergence: { kind: 'gradient', node: null, compared: 0, message: upstream, method: 'forward and loss comparison' } };
    if (ctx.reference.submodules) return { ...outcome(ctx, tensors, 'gradients', notes), firstDivergence: await firstSubmoduleDivergence(ctx, batch, tolerance, 'gradient') };
    const divergingDerivatives = tensors.filter((t) => t.role === 'derivative' && t.verdict === 'fail').map((t) => t.name);
    const firstDivergence = await firstGradientDivergence(ctx.program, ctx.refProgram, ctx.reference, ctx.localizer, batch, tolerance, divergingDerivatives);
    return { ...outcome(ctx, tensors, 'gradients', notes), firstDivergence };
  },

  async step(ctx) {
    const batch = ctx.experiment.firstBatch();
    const tolerance = tol(ctx, 'step');
    ctx.session.setState(ctx.program.initialState());
    const lr = ctx.schedule().lr;
    await ctx.session.step(batch, lr, 1);
    const ours = ctx.session.getState();
    const ref = await ctx.reference.step(batch);
    const kind = stateKinds(ctx.refProgram);
    const compared = ctx.refProgram.stateNames.map((n) => compareTensors(n, kind(n), ours.get(n), ref.state.get(n), tolerance));
    const lrs = { ours: [lr], ref: [lr] };
    let truth: Promise<Map<string, Tensor>> | undefined;
    let reversed: Promise<Map<string, Tensor>> | undefined;
    const truthState = () => (truth ??= ctx.float64!().then(async (r64) => (await r64.step(batch)).state));
    const second = () => (reversed ??= secondRun(ctx).then((r) => r.step(ctx.experiment.reversed(batch))).then((r) => r.state));
    const arbitrated = await judgeState(ctx, compared, ours, ref.state, lrs, tolerance, truthState, second);
    const from = ctx.refProgram.initialState();
    const { tensors, notes } = await judgeKinks(ctx, arbitrated, { from, batch, lr: { ours: lr, ref: lr }, index: 1, ours, ref: ref.state, truth: truthState, second });
    const base = outcome(ctx, tensors, 'step', notes);
    if (!base.failure) return base;
    // The backend's own gradients at the same state on the same batch: what its slots were updated from.
    ctx.session.setState(ctx.program.initialState());
    const grads = (await ctx.session.gradients(batch)).grads;
    const diagnosis = stepDiagnosis(tensors, ours, ref.state, ctx.refProgram.initialState(), lr, referenceOptimizer(ctx), tolerance, grads);
    return { ...base, failure: `${base.failure}. ${diagnosis}` };
  },

  trajectory: trajectoryVerdict,

  async eval(ctx) {
    const { ours, ref } = await runTrajectory(ctx);
    const tensors: TensorComparison[] = [];
    const notes: string[] = [];
    for (const split of ['train', 'validation'] as const) {
      ctx.session.setState(ours.state);
      const mine = await ctx.experiment.splitLoss(split, (feed) => ctx.session.evaluate(feed));
      const theirs = await ctx.experiment.splitLoss(split, (feed) => ctx.reference.evaluate(feed, ref.state));
      if (!mine || !theirs) continue;
      const truth = async () => {
        const [r64, end] = [await ctx.float64!(), (await runFloat64Trajectory(ctx)).state];
        return ctx.experiment.splitLoss(split, (feed) => r64.evaluate(feed, end));
      };
      const second = async () => ctx.experiment.splitLoss(split, async (feed) => (await secondRun(ctx)).evaluate(feed, (await runReversedTrajectory(ctx)).state));
      const atEachEndState = await judgedLosses(ctx, mine, theirs, `${split}/`, 'eval', truth, second);
      const judged = failureOf(atEachEndState.tensors) ? await judgeAtOwnEndState(ctx, split, mine, ours.state, atEachEndState, () => trajectoryVerdict(ctx)) : atEachEndState;
      tensors.push(...judged.tensors);
      notes.push(...judged.notes);
    }
    return outcome(ctx, tensors, 'eval', notes);
  },
};

/**
 * The trajectory stage's verdict, judged once per backend: the stage reports it, and `eval` asks whether the trajectory
 * is within (eval-own-state.ts). The loss curve and the end state, judged by the arbiter and, where needed, update by update.
 */
function trajectoryVerdict(ctx: StageContext): Promise<StageOutcome> {
  ctx.trajectoryOutcome ??= judgeTrajectory(ctx);
  return ctx.trajectoryOutcome;
}

async function judgeTrajectory(ctx: StageContext): Promise<StageOutcome> {
  const { ours, ref } = await runTrajectory(ctx);
  const tolerance = tol(ctx, 'trajectory');
  const plain = compareTrajectory(ctx, ours, ref, tolerance);
  const kind = stateKinds(ctx.refProgram);
  const compared = ctx.refProgram.stateNames.map((n) => compareTensors(n, kind(n), ours.state.get(n), ref.state.get(n), tolerance));
  const lrs = { ours: ours.lrs, ref: ref.records.map((r) => r.lr) };
  const { tensors, notes } = await judgeState(
    ctx,
    compared,
    ours.state,
    ref.state,
    lrs,
    tolerance,
    async () => (await runFloat64Trajectory(ctx)).state,
    async () => (await runReversedTrajectory(ctx)).state,
  );
  const curve = plain.firstDivergentStep !== null && ctx.float64 ? arbitrateCurve(plain, await runFloat64Trajectory(ctx), await runReversedTrajectory(ctx), tolerance) : { record: plain, notes: [] };
  const walked = await judgeByUpdates(ctx, tensors, curve.record, tolerance, lrs);
  const trajectory = walked.record;
  const base = outcome(ctx, walked.tensors, 'trajectory', [...curve.notes, ...notes, ...walked.notes]);
  const step = trajectory.firstDivergentStep;
  const p = step === null ? undefined : trajectory.steps[step - 1];
  const failure = p
    ? `the loss curves part at step ${step} (epoch ${p.epoch}): loss ${p.loss.actual} vs ${p.loss.expected} (rel ${p.relDiff}), lr ${p.lr.actual} vs ${p.lr.expected}`
    : base.failure;
  return { ...base, trajectory, ...(failure ? { failure } : {}) };
}

/**
 * An input derivative (u_x, u_xx) is a VALUE of the loss graph that tandem builds with its gradient rules, while
 * torch fills it by autograd: when it is what diverges first, the culprit is a rule or its execution, which
 * the gradients stage localizes.
 */
function derivativeNote(ctx: StageContext, fd: FirstDivergence): FirstDivergence {
  const terms = new Set(ctx.program.derivatives.map((d) => d.name));
  const hit = fd.node?.diverging.find((d) => terms.has(d.name));
  if (!hit) return fd;
  return {
    ...fd,
    message: `${fd.message} "${hit.name}" is an input derivative: tandem computes it with its gradient rules (torch by autograd), so a wrong rule or its execution shows here first; the gradients stage's adjoint probes name the rule.`,
  };
}

/**
 * Whether the forward outputs or the loss already diverge on this batch (after the float64 arbiter): then every
 * gradient downstream inherits the difference, and no gradient rule can be blamed for it. A loss with input
 * derivatives (PINN terms) is left out: tandem builds those with its gradient rules, so a wrong rule is what makes
 * such a loss differ, and the probes localize it.
 */
async function forwardDivergence(ctx: StageContext, batch: BatchFeed): Promise<string | undefined> {
  ctx.session.setState(ctx.program.initialState());
  const [ours, ref] = [await ctx.session.forward(batch), await ctx.reference.forward(batch, [])];
  const outputs = ctx.refProgram.outputs.map((o) => compareTensors(o, 'output', ours.get(o), ref.get(o), tol(ctx, 'forward')));
  const forward = await judgeValues(ctx, outputs, ours, ref, async () => (await ctx.float64!()).forward(batch, []));
  const losses = ctx.program.derivatives.length
    ? { tensors: [] }
    : await judgedLosses(ctx, await ctx.session.evaluate(batch), await ctx.reference.evaluate(batch), '', 'loss', async () => (await ctx.float64!()).evaluate(batch));
  const failed = [...forward.tensors, ...losses.tensors].filter((t) => t.verdict === 'fail').map((t) => t.name);
  if (!failed.length) return undefined;
  return `the forward pass already diverges on this batch (${failed.slice(0, 4).join(', ')} outside tolerance and not cleared by float64), so the gradients inherit it and no gradient rule is blamed; the forward and loss stages localize it`;
}

function outcome(ctx: StageContext, tensors: TensorComparison[], stage: StageName, notes: string[] = []): StageOutcome {
  const failure = failureOf(tensors);
  return { tensors, tolerance: { [ctx.program.spec.dtype]: tol(ctx, stage) }, ...(failure ? { failure } : {}), ...(notes.length ? { notes } : {}) };
}
