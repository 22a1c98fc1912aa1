import { cutDerivatives } from '../contracts/derivative-terms.ts';
import type { BatchFeed } from '../contracts/backend.ts';
import { selectOutputs } from '../train/select-outputs.ts';
import type { Tensor } from '../graph/tensor.ts';
import { arbitrate } from './arbiter.ts';
import { compareTensors } from './compare-tensors.ts';
import { toFloat64Derivatives, toFloat64Graph } from './float64-graph.ts';
import { toFloat64 } from './float64-reference.ts';
import { LocalizationUnavailable } from './errors.ts';
import type { TensorComparison } from './report.ts';
import { initialFeeds } from './side-graph.ts';
import { tol, type StageContext } from './stage-context.ts';

/**
 * PINN input derivatives (u_x, u_xx, …) as the loss uses them: ours are values of the side's loss graph,
 * built by tandem's autodiff (run on onnxruntime); torch fills the same names as holes by torch.autograd
 * (derivative-terms.ts). Compared with the gradients tolerance, and what fails by the float64 arbiter. A recorded baseline serves the values it
 * recorded (baseline/recorded-localization.ts); one recorded without them (an older tandem) leaves the
 * comparison absent (the parameter gradients still cover them).
 */
export async function compareInputDerivatives(ctx: StageContext, batch: BatchFeed): Promise<TensorComparison[]> {
  const names = ctx.program.derivatives.map((d) => d.name).filter((n) => ctx.program.graphs.loss.values.has(n));
  if (names.length === 0 || !ctx.reference.execute) return [];
  const feeds = initialFeeds(ctx.program, batch);
  const ours = await ctx.localizer.run(selectOutputs(ctx.program.graphs.loss, names, `${ctx.program.graphs.loss.name}.derivatives`), feeds);
  let ref: Map<string, Tensor>;
  try {
    ref = await ctx.reference.execute(cutDerivatives(ctx.refProgram.graphs.loss, ctx.refProgram.derivatives), feeds, names, ctx.refProgram.derivatives);
  } catch (e) {
    // A baseline recorded without these values: the comparison is absent, as the docstring says.
    if (e instanceof LocalizationUnavailable) return [];
    throw e;
  }
  const tolerance = tol(ctx, 'gradients');
  const compared = names.map((n) => compareTensors(n, 'derivative', ours.get(n), ref.get(n), tolerance));
  if (!ctx.float64 || !compared.some((c) => c.verdict === 'fail' && !c.problem)) return compared;
  // The float64 arbiter, as for every other value: the reference computes the same derivatives on the graph in
  // float64 from the same feeds cast exactly. No second float32 run: derivatives are per sample, as forward outputs.
  const refGraph = cutDerivatives(ctx.refProgram.graphs.loss, ctx.refProgram.derivatives);
  const truth = await ctx.reference.execute(toFloat64Graph(refGraph), toFloat64(feeds), names, toFloat64Derivatives(ctx.refProgram.derivatives));
  return compared.map((c) => arbitrate(c, ours.get(c.name), ref.get(c.name), truth.get(c.name)));
}
