import type { BatchFeed } from '../contracts/backend.ts';
import type { ReferenceRun } from '../contracts/reference.ts';
import { cutDerivatives } from '../contracts/derivative-terms.ts';
import type { Graph, Node } from '../graph/ir.ts';
import type { Tensor } from '../graph/tensor.ts';
import { gradOutput, type TrainingProgram } from '../train/program.ts';
import { ARBITER_MULTIPLE, measureAgainstFloat64, unitsOf } from './arbiter.ts';
import { toFloat64Derivatives, toFloat64Graph } from './float64-graph.ts';
import { toFloat64 } from './float64-reference.ts';
import { noiseOwner, referenceOptimizer, type Judged } from './judge-float64.ts';
import { flippedElements, forceKinks, kinkFeeds, kinkNodes, pieces, type Pieces } from './kink-ops.ts';
import { toJsonFloat, type TensorComparison } from './report.ts';
import { stateFeeds } from './side-graph.ts';
import { secondRun, type StageContext } from './stage-context.ts';
import { judgeFromSlots, type UpdateStates } from './update-from-slots.ts';

/** One update as the step stage and the update walk judge it: from `from` on `batch`, with each side's LR. */
export interface OneUpdate {
  readonly from: ReadonlyMap<string, Tensor>;
  readonly batch: BatchFeed;
  readonly lr: { readonly ours: number; readonly ref: number };
  readonly index: number;
  /** The state after it on the backend and on the float32 reference. */
  readonly ours: ReadonlyMap<string, Tensor>;
  readonly ref: ReadonlyMap<string, Tensor>;
  /** float64's state after the same update (the arbiter's truth; the caller computes it once). */
  readonly truth: () => Promise<ReadonlyMap<string, Tensor>>;
  /** The reference's second float32 run (the batch reversed; the caller computes it once). */
  readonly second: () => Promise<ReadonlyMap<string, Tensor>>;
}

/** The parameter gradients of the gradients stage (at the initial state), by comparison name (`grad:<param>`). */
export type Gradients = Pick<OneUpdate, 'batch' | 'ours' | 'ref' | 'truth' | 'second'>;

/** What the rule judges: values each side computed from `from` on `batch`, and how a float64 run computes them. */
interface KinkCase extends Pick<OneUpdate, 'from' | 'batch' | 'ours' | 'ref' | 'truth' | 'second'> {
  /** The same values on a float64 reference run of the program (with pieces forced), fed `feed`. */
  readonly recompute: (run: ReferenceRun, feed: BatchFeed) => Promise<ReadonlyMap<string, Tensor>>;
  /** One Adam update's index and LRs: a parameter still outside is then judged by backward stability. */
  readonly update?: Pick<OneUpdate, 'index' | 'lr'>;
}

/** One piecewise op's input on the three sides, and its elements that lie on another piece than in float64. */
export interface KinkSide {
  readonly node: Node;
  readonly ours: Pieces;
  readonly ref: Pieces;
  readonly oursFlips: number;
  readonly refFlips: number;
  /** The arbiter's rule on the op's input: the backend's pre-activation within float32 rounding of float64's. */
  readonly input: ReturnType<typeof measureAgainstFloat64>;
}

/**
 * The kink rule (specs/parity.md "Kinks: a ReLU that flips"), on the state after one update (the step stage's, and
 * each of the update walk's). A state still further from float64 than the reference may be a kink flip: a ReLU (or Clip, LeakyRelu, Abs) input within float32 rounding of
 * its kink lands on one side on the backend and on the other in float64, and from there a gradient differs by a
 * finite amount (torchvision resnet18 in training mode, update 2: `/layer4/layer4.1/relu_1/Relu` input +2.18e-6 on
 * onnxruntime, −8.18e-6 in float64). Which side a float32 run lands on is chance, so the backend is judged against
 * float64 on ITS side of those kinks: every flip must be explained by rounding (the op's input within the arbiter's
 * rule of float64's), then the float64 update is recomputed with the backend's pieces forced at the flipped ops,
 * and the backend must be within the reference's float32 error of that update, the reference measured against
 * float64 with its own pieces forced (or plain float64 where it flipped nothing). A wrong rule or forward stays
 * wrong on either side of a kink, and a forward that moved the input further than rounding is refused.
 */
export function judgeKinks(ctx: StageContext, judged: Judged, u: OneUpdate): Promise<Judged> {
  const recompute = async (run: ReferenceRun, feed: BatchFeed) => (await run.update!(toFloat64(u.from), feed, u.lr.ref, u.index)).state;
  return judgeAcrossKinks(ctx, judged, { ...u, recompute, update: u });
}

/** The gradients stage's parameter gradients, judged across kinks as an update is (judgeKinks), from the initial state. */
export function judgeGradientKinks(ctx: StageContext, judged: Judged, g: Gradients): Promise<Judged> {
  const recompute = async (run: ReferenceRun, feed: BatchFeed) => new Map([...(await run.gradients(feed)).grads].map(([k, v]) => [gradOutput(k), v]));
  return judgeAcrossKinks(ctx, judged, { ...g, from: ctx.refProgram.initialState(), recompute });
}

async function judgeAcrossKinks(ctx: StageContext, judged: Judged, u: KinkCase): Promise<Judged> {
  // Only the values this case computes (an input derivative beside the gradients keeps its verdict).
  const further = (c: TensorComparison) => c.verdict === 'fail' && c.arbiter?.verdict === 'further-than-reference' && u.ours.has(c.name);
  if (!judged.tensors.some(further) || !ctx.float64 || !ctx.openFloat64 || !ctx.backendExecutor || !ctx.reference.execute) return judged;
  const say = (note: string) => ({ tensors: judged.tensors, notes: [...judged.notes, note] });
  // The user's module runs its own forward, where a graph's pieces cannot be forced.
  if (ctx.reference.submodules) return say("kink rule: not applied, the reference is the user's module, whose forward cannot be run with a kink's side forced");
  let sides: KinkSide[];
  try {
    sides = await kinkSides(ctx, u.batch, u.from);
  } catch (e) {
    return say(`kink rule: not applied, the piecewise ops' inputs could not be computed on every side: ${(e as Error).message}`);
  }
  if (!sides.length) return judged;
  const flipped = sides.filter((s) => s.oursFlips > 0);
  if (!flipped.length) return say(`kink rule: no input of the model's ${sides.length} piecewise ops lies on another side of its kink on the backend than in float64, so no kink flip explains the difference`);
  const unexplained = flipped.filter((s) => !s.input.within);
  if (unexplained.length) {
    const s = unexplained[0];
    return say(`kink rule: ${describe(s)} on another side of the kink than in float64, but that input is further from float64 than ${ARBITER_MULTIPLE}× the reference (max abs error: backend ${fmt(s.input.oursError)}, float32 reference ${fmt(s.input.referenceError)}): not rounding, the verdict stands`);
  }
  const truth = await forcedRun(ctx, u, new Map(flipped.map((s) => [s.node.name, s.ours])));
  const refFlipped = sides.filter((s) => s.refFlips > 0);
  const refTruth = refFlipped.length ? await forcedRun(ctx, u, new Map(refFlipped.map((s) => [s.node.name, s.ref]))) : await u.truth();
  // The reversed run counts where neither reference run flipped: then plain float64 is the truth for both.
  const second = refFlipped.length || (await referenceFlips(ctx, ctx.experiment.reversed(u.batch), u.from)) ? undefined : await u.second();
  const noise = ctx.noiseElements ? await ctx.noiseElements : new Map<string, ReadonlySet<number>>();
  const flips = flipped.reduce((n, s) => n + s.oursFlips, 0);
  const tensors = judged.tensors.map((c) => {
    if (!further(c)) return c;
    const owner = noiseOwner(ctx, noise, c.name);
    const skip = owner ? noise.get(owner) : undefined;
    const forced = againstForced(c, u, truth, refTruth, flips, second?.get(c.name), skip);
    if (forced.verdict === 'pass' || !u.update || c.role !== 'param') return forced;
    // A flip and a gradient near Adam's eps can meet in one update: backward stability against the same truths.
    const states: UpdateStates = { before: { ours: u.from, ref: u.from }, ours: u.ours, ref: u.ref, truth, refTruth, index: u.update.index, lr: u.update.lr };
    const stable = judgeFromSlots(c, referenceOptimizer(ctx), states, skip);
    return stable.fromSlots?.within ? { ...stable, kink: forced.kink } : forced;
  });
  const passed = tensors.filter((c) => c.kink && c.verdict === 'pass');
  const failed = tensors.filter((c) => c.kink && c.verdict === 'fail');
  const where = `${flipped.map(describe).join('; ')} on another side of the kink than in float64, each within float32 rounding (input max abs error vs float64: ${flipped.map((s) => `backend ${fmt(s.input.oursError)}, float32 reference ${fmt(s.input.referenceError)}`).join('; ')})`;
  const refSide = refFlipped.length ? `; the reference against float64 with its own ${refFlipped.reduce((n, s) => n + s.refFlips, 0)} flipped elements forced` : '';
  const errors = (cs: TensorComparison[]) => cs.slice(0, 3).map((c) => `${c.name}: backend ${fmt(c.kink!.oursError)}, float32 reference ${fmt(c.kink!.referenceError)}`).join('; ');
  const stable = passed.filter((c) => !c.kink!.within).length;
  const byStability = stable ? `, ${stable} of them by backward stability (Adam near eps)` : '';
  const verdict = failed.length
    ? `with the backend's side forced in float64, ${failed.length} tensors are still further from float64 than ${ARBITER_MULTIPLE}× the reference (max abs error ${errors(failed)}${refSide}): not explained by the flip, the verdict stands`
    : `with the backend's side forced in float64, ${passed.length} tensors that were further from float64 than the reference are within its float32 error${byStability} (max abs error ${errors(passed)}${refSide})`;
  return { tensors, notes: [...judged.notes, `kink rule: ${where}; ${verdict}`] };
}

/** The arbiter's rule with float64 on each side's pieces (`truth` the backend's, `refTruth` the reference's). */
function againstForced(c: TensorComparison, u: KinkCase, truth: ReadonlyMap<string, Tensor>, refTruth: ReadonlyMap<string, Tensor>, flipped: number, second: Tensor | undefined, skip?: ReadonlySet<number>): TensorComparison {
  const [ours, ref, t, rt] = [u.ours.get(c.name), u.ref.get(c.name), truth.get(c.name), refTruth.get(c.name)];
  if (!ours || !ref || !t || !rt) return c;
  const { oursError, referenceError, resolution, within } = measureAgainstFloat64(ours, ref, t, skip, second, unitsOf(c.name).units, rt);
  const kink = { flipped, oursError: toJsonFloat(oursError), referenceError: toJsonFloat(referenceError), resolution: toJsonFloat(resolution), multiple: ARBITER_MULTIPLE, within };
  return { ...c, verdict: within ? 'pass' : 'fail', kink };
}

/**
 * Every piecewise op's input on the backend (its own executor, on its own loss graph), on the float32 reference and
 * in float64 (the reference's loss graph widened), from `state` on `batch`, in training mode as the update sees it.
 */
async function kinkSides(ctx: StageContext, batch: BatchFeed, state: ReadonlyMap<string, Tensor>): Promise<KinkSide[]> {
  const { nodes, refLoss, fetch } = kinkGraph(ctx);
  if (!fetch.length) return [];
  const executor = await ctx.backendExecutor!();
  const ourLoss = ctx.program.graphs.loss;
  const ours = await executor.run(ourLoss, stateFeeds(ourLoss, ctx.program, batch, state), { fetch });
  const [ref, truth] = [await referenceInputs(ctx, ctx.reference, refLoss, batch, state, fetch), await float64Inputs(ctx, refLoss, batch, state, fetch)];
  return nodes.map((node) => kinkSide(refLoss, node, ours.get(node.inputs[0])!, ref.get(node.inputs[0])!, truth.get(node.inputs[0])!));
}

/** The piecewise ops of the reference's loss graph (without derivative holes) that the backend's graph has too, and their inputs. */
function kinkGraph(ctx: StageContext) {
  const refLoss = cutDerivatives(ctx.refProgram.graphs.loss, ctx.refProgram.derivatives);
  const ourLoss = ctx.program.graphs.loss;
  const same = (n: Node) => ourLoss.nodes.some((m) => m.name === n.name && m.op === n.op && m.inputs[0] === n.inputs[0]);
  const nodes = kinkNodes(refLoss).filter(same);
  return { nodes, refLoss, fetch: [...new Set(nodes.map((n) => n.inputs[0]))] };
}

/** The piecewise ops' inputs on a float32 run of the reference (`run`: the first, or the arbiter's second). */
const referenceInputs = (ctx: StageContext, run: ReferenceRun, refLoss: Graph, batch: BatchFeed, state: ReadonlyMap<string, Tensor>, fetch: string[]) =>
  run.execute!(refLoss, stateFeeds(refLoss, ctx.refProgram, batch, state), fetch, ctx.refProgram.derivatives);

async function float64Inputs(ctx: StageContext, refLoss: Graph, batch: BatchFeed, state: ReadonlyMap<string, Tensor>, fetch: string[]) {
  const loss64 = widened(refLoss);
  return (await ctx.float64!()).execute!(loss64, stateFeeds(loss64, ctx.refProgram, batch, state), fetch, toFloat64Derivatives(ctx.refProgram.derivatives));
}

/** One piecewise op of `graph` given its input on the backend, the float32 reference and float64: its flips, and whether rounding explains them. */
export function kinkSide(graph: Graph, node: Node, ours: Tensor, ref: Tensor, truth: Tensor): KinkSide {
  const [o, r, t] = [pieces(graph, node, ours), pieces(graph, node, ref), pieces(graph, node, truth)];
  return { node, ours: o, ref: r, oursFlips: flippedElements(o, t).length, refFlips: flippedElements(r, t).length, input: measureAgainstFloat64(ours, ref, truth) };
}

/** Whether any piecewise op's input lies on another side on the reference's second float32 run than in float64 (on `batch`). */
async function referenceFlips(ctx: StageContext, batch: BatchFeed, state: ReadonlyMap<string, Tensor>): Promise<boolean> {
  const { nodes, refLoss, fetch } = kinkGraph(ctx);
  if (!fetch.length) return false;
  const [ref, truth] = [await referenceInputs(ctx, await secondRun(ctx), refLoss, batch, state, fetch), await float64Inputs(ctx, refLoss, batch, state, fetch)];
  return nodes.some((n) => flippedElements(pieces(refLoss, n, ref.get(n.inputs[0])!), pieces(refLoss, n, truth.get(n.inputs[0])!)).length > 0);
}

/** float64's values from the same state with `forced` pieces at those ops (their inputs fed as Dropout masks are). */
async function forcedRun(ctx: StageContext, u: KinkCase, forced: ReadonlyMap<string, Pieces>): Promise<ReadonlyMap<string, Tensor>> {
  const run = await ctx.openFloat64!((p) => forcedProgram(p, forced));
  try {
    return await u.recompute(run, new Map([...u.batch, ...kinkFeeds(ctx.refProgram.graphs.loss, forced)]));
  } finally {
    await run.dispose();
  }
}

/**
 * `program` whose loss graph computes the forced pieces (kink-ops.ts forceKinks). The pieces are per-step inputs
 * multiplied in, which is what a training-mode Dropout's mask is to every side (contracts/dropout-masks.ts), so
 * they travel as masks that drop nothing, and the reference feeds them from the batch with no new protocol.
 */
function forcedProgram(program: TrainingProgram, forced: ReadonlyMap<string, Pieces>): TrainingProgram {
  const { graph, inputs } = forceKinks(program.graphs.loss, forced);
  // Its own evaluation graph too: a run frees the graphs it loaded when disposed, and must not free the float64 run's.
  const evaluation = program.graphs.evaluation === program.graphs.loss ? graph : forceKinks(program.graphs.evaluation, forced).graph;
  return { ...program, graphs: { ...program.graphs, loss: graph, evaluation }, dropoutMasks: [...program.dropoutMasks, ...inputs.map((i) => ({ name: i.name, shape: i.shape, ratio: 0 }))] };
}

/** One float64 copy per loss graph, so the reference loads it once, not once per update. */
const widenedGraphs = new WeakMap<Graph, Graph>();
function widened(graph: Graph): Graph {
  let g = widenedGraphs.get(graph);
  if (!g) widenedGraphs.set(graph, (g = toFloat64Graph(graph)));
  return g;
}

/** "4 elements of the input of Relu "…" lie" (the subject and its verb). */
const describe = (s: KinkSide) => `${s.oursFlips} element${s.oursFlips === 1 ? '' : 's'} of the input of ${s.node.op} "${s.node.name}" ${s.oursFlips === 1 ? 'lies' : 'lie'}`;
const fmt = (x: number | string) => (typeof x === 'number' ? x.toPrecision(3) : x);
