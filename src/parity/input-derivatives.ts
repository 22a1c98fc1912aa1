import { cutDerivatives } from '../contracts/derivative-terms.ts';
import type { BatchFeed } from '../contracts/backend.ts';
import { selectOutputs } from '../train/select-outputs.ts';
import type { Tensor } from '../graph/tensor.ts';
import { compareTensors } from './compare-tensors.ts';
import { LocalizationUnavailable } from './errors.ts';
import type { TensorComparison } from './report.ts';
import { initialFeeds } from './side-graph.ts';
import { tol, type StageContext } from './stage-context.ts';

/**
 * PINN input derivatives (u_x, u_xx, …) as the loss uses them: ours are values of the side's loss graph,
 * built by tandem's autodiff (run on onnxruntime); torch fills the same names as holes by torch.autograd
 * (derivative-terms.ts). Compared with the gradients tolerance. A recorded baseline serves the values it
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
  return names.map((n) => compareTensors(n, 'derivative', ours.get(n), ref.get(n), tolerance));
}
