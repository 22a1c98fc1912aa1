import type { Tensor } from '../graph/tensor.ts';
import type { LossSummary } from '../train/history.ts';
import { parseOptimizerOptions, type OptimizerOptions } from '../train/optimizers/optimizer-options.ts';
import { LOSS_OUTPUT, termOutput } from '../train/program.ts';
import { adamStepBound, adamUpdateBound } from './adam-bound.ts';
import { arbiterNotes, arbitrate } from './arbiter.ts';
import { compareTensors, scalarTensor } from './compare-tensors.ts';
import { judgeNoiseParam, noiseLevelElements, noiseNote, type NoiseElements } from './noise-gradients.ts';
import { fromSlotsNotes, judgeFromSlots } from './update-from-slots.ts';
import type { TensorComparison, Tolerance } from './report.ts';
import type { StageContext } from './stage-context.ts';

/** Comparisons after the float64 arbiter, and the sentences saying what it decided. */
export interface Judged {
  readonly tensors: TensorComparison[];
  readonly notes: string[];
}

const noArbiter = (ctx: StageContext) => [`no float64 arbiter: ${ctx.noArbiter ?? 'unavailable'}`];

/**
 * Failed comparisons of values (outputs, losses, gradients) re-judged against the stage re-run in float64.
 * `ours`/`ref` hold the float32 tensors by comparison name; `truth` computes the float64 ones (only called when
 * something failed).
 */
export async function judgeValues(
  ctx: StageContext,
  tensors: TensorComparison[],
  ours: ReadonlyMap<string, Tensor>,
  ref: ReadonlyMap<string, Tensor>,
  truth: () => Promise<ReadonlyMap<string, Tensor>>,
  second?: () => Promise<ReadonlyMap<string, Tensor>>,
): Promise<Judged> {
  // Comparisons arbitrated before they came here (input derivatives) keep their sentences.
  if (!tensors.some(arbitrable)) return { tensors, notes: arbiterNotes(tensors) };
  if (!ctx.float64) return { tensors, notes: noArbiter(ctx) };
  const t = await truth();
  const judge = (c: TensorComparison, other?: ReadonlyMap<string, Tensor>) => arbitrate(c, ours.get(c.name), ref.get(c.name), t.get(c.name), undefined, other?.get(c.name));
  const judged = await withSecondRun(tensors.map((c) => judge(c)), judge, second);
  return { tensors: judged, notes: arbiterNotes(judged) };
}

/**
 * Tensors still further from float64 than the reference are judged again with a second float32 run of the
 * reference (the batches' samples reversed: the same loss, summed in another order), asked for only then. One
 * run's error can be small by chance where float32 is ill-conditioned (an Adam update whose gradient is near eps),
 * and the backend is judged against float32's spread, not against one lucky sample of it.
 */
async function withSecondRun(
  judged: TensorComparison[],
  judge: (c: TensorComparison, other: ReadonlyMap<string, Tensor>) => TensorComparison,
  second?: () => Promise<ReadonlyMap<string, Tensor>>,
): Promise<TensorComparison[]> {
  const further = (c: TensorComparison) => c.arbiter?.verdict === 'further-than-reference';
  if (!second || !judged.some(further)) return judged;
  const other = await second();
  return judged.map((c) => (further(c) ? judge(c, other) : c));
}

/**
 * Failed comparisons of a state after updates (parameters and slots): noise-level gradient elements are taken
 * out and held to Adam's bound (noise-gradients.ts), then what still fails goes to the arbiter. `lrs` are the LRs
 * of the updates each side made from the initial state.
 */
export async function judgeState(
  ctx: StageContext,
  tensors: TensorComparison[],
  ours: ReadonlyMap<string, Tensor>,
  ref: ReadonlyMap<string, Tensor>,
  lrs: { readonly ours: readonly number[]; readonly ref: readonly number[] },
  tol: Tolerance,
  truth: () => Promise<ReadonlyMap<string, Tensor>>,
  /** The same state from a second float32 run of the reference on reversed batches (withSecondRun). */
  second?: () => Promise<ReadonlyMap<string, Tensor>>,
  /** The state both sides updated from, and the number of its first update (the stages: the initial state, 1). */
  from: { readonly state: ReadonlyMap<string, Tensor>; readonly index: number } = { state: ctx.refProgram.initialState(), index: 1 },
): Promise<Judged> {
  if (!tensors.some(arbitrable)) return { tensors, notes: [] };
  if (!ctx.float64) return { tensors, notes: noArbiter(ctx) };
  const options = referenceOptimizer(ctx);
  // Without a bound on the update (SGD: lr·noise, which the tolerances judge) no element is set apart.
  const noise = adamStepBound(options, 1) === undefined ? new Map<string, Set<number>>() : await noiseElements(ctx);
  const start = from.state;
  const ownerOf = (name: string) => noiseOwner(ctx, noise, name);
  const denoised = tensors.map((c) => {
    const owner = ownerOf(c.name);
    const elements = owner ? noise.get(owner) : undefined;
    if (!elements) return c;
    if (c.role === 'slot') return compareTensors(c.name, 'slot', ours.get(c.name), ref.get(c.name), tol, elements);
    const p0 = start.get(c.name)!;
    const reach = Math.max(...[...elements].map((i) => Math.abs(Number(p0.data[i]))));
    // Each side is held to the bound of its own LRs (a schedule bug shows in the trajectory's LR column).
    const bound = Math.max(adamUpdateBound(options, lrs.ours, reach, from.index) ?? NaN, adamUpdateBound(options, lrs.ref, reach, from.index) ?? NaN);
    return judgeNoiseParam(c.name, ours.get(c.name), ref.get(c.name), p0, elements, Number.isNaN(bound) ? undefined : bound, tol);
  });
  const shapes = new Map(ctx.refProgram.params.map((p) => [p.name, p.shape] as const));
  const notes = noiseNote(noise, shapes);
  if (!denoised.some(arbitrable)) return { tensors: denoised, notes };
  const t = await truth();
  const judge = (c: TensorComparison, other?: ReadonlyMap<string, Tensor>) => {
    const owner = ownerOf(c.name);
    if (c.noise && !c.noise.withinBound) return c;
    return arbitrate(c, ours.get(c.name), ref.get(c.name), t.get(c.name), owner ? noise.get(owner) : undefined, other?.get(c.name));
  };
  const arbitrated = await withSecondRun(denoised.map((c) => judge(c)), judge, second);
  // One update: a parameter still further from float64 is judged by backward stability (update-from-slots.ts).
  const states = { before: { ours: start, ref: start }, ours, ref, truth: t, index: from.index, lr: { ours: lrs.ours[0], ref: lrs.ref[0] } };
  const judged = lrs.ours.length === 1 ? arbitrated.map((c) => (c.role === 'param' ? judgeFromSlots(c, options, states, noise.get(c.name)) : c)) : arbitrated;
  return { tensors: judged, notes: [...notes, ...arbiterNotes(judged), ...fromSlotsNotes(judged)] };
}

/** The parameter whose noise-level elements a state tensor (the parameter, or one of its slots) leaves out. */
export function noiseOwner(ctx: StageContext, noise: NoiseElements, name: string): string | undefined {
  return noise.has(name) ? name : ctx.refProgram.params.find((p) => name.startsWith(`${p.name}/`))?.name;
}

/** Losses by comparison name (`loss`, `loss:<term>`, with a prefix), as the tensors compareLosses compares. */
export function lossTensors(dtype: 'float32' | 'float64', summary: LossSummary | undefined, terms: readonly string[], prefix = ''): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  if (!summary) return out;
  out.set(`${prefix}${LOSS_OUTPUT}`, scalarTensor(dtype, summary.loss));
  for (const t of terms) if (summary.terms[t] !== undefined) out.set(`${prefix}${termOutput(t)}`, scalarTensor(dtype, summary.terms[t]));
  return out;
}

/** The optimizer as the experiment configures it (both sides' unmodified options, torch's defaults filled in). */
export function referenceOptimizer(ctx: StageContext): OptimizerOptions {
  return parseOptimizerOptions(ctx.experiment.train.optimizer, 'train.optimizer');
}

const arbitrable = (c: TensorComparison) => c.verdict === 'fail' && !c.problem;

/**
 * The noise-level gradient elements of the program at its initial state on the first batch: float32 gradients
 * of both sides against float64 (once per backend). Structural zeros (the attention key bias) stay zero at every
 * state, so the trajectory uses the same elements.
 */
function noiseElements(ctx: StageContext): Promise<NoiseElements> {
  ctx.noiseElements ??= (async () => {
    const batch = ctx.experiment.firstBatch();
    ctx.session.setState(ctx.program.initialState());
    const ours = (await ctx.session.gradients(batch)).grads;
    const ref = (await ctx.reference.gradients(batch)).grads;
    const truth = (await (await ctx.float64!()).gradients(batch)).grads;
    return noiseLevelElements(ctx.refProgram.params.map((p) => p.name), ours, ref, truth);
  })();
  return ctx.noiseElements;
}
