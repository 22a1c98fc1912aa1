import type { LossSummary } from '../train/history.ts';
import { LOSS_OUTPUT, termOutput } from '../train/program.ts';
import { compareTensors, scalarTensor } from './compare-tensors.ts';
import { judgeValues, lossTensors, type Judged } from './judge-float64.ts';
import type { StageName, TensorComparison } from './report.ts';
import { tol, type StageContext } from './stage-context.ts';

/**
 * A loss and its terms compared (`prefix`: the eval stage's split), then the float64 arbiter on what failed
 * (`truth`: the same losses computed in float64; `second`: a second float32 run of the reference).
 */
export async function judgedLosses(
  ctx: StageContext,
  ours: LossSummary,
  ref: LossSummary,
  prefix: string,
  stage: StageName,
  truth: () => Promise<LossSummary | undefined>,
  second?: () => Promise<LossSummary | undefined>,
): Promise<Judged> {
  const terms = ctx.refProgram.terms;
  const dtype = ctx.program.spec.dtype;
  const losses = (d: 'float32' | 'float64', s: () => Promise<LossSummary | undefined>) => async () => lossTensors(d, await s(), terms, prefix);
  return judgeValues(ctx, compareLosses(ctx, ours, ref, prefix, stage), lossTensors(dtype, ours, terms, prefix), lossTensors(dtype, ref, terms, prefix), losses('float64', truth), second && losses(dtype, second));
}

function compareLosses(ctx: StageContext, ours: LossSummary, ref: LossSummary, prefix: string, stage: StageName): TensorComparison[] {
  const dtype = ctx.program.spec.dtype;
  const tolerance = tol(ctx, stage);
  const role = stage === 'eval' ? 'metric' : undefined;
  const one = (name: string, a: number | undefined, e: number | undefined, r: 'loss' | 'term') =>
    compareTensors(`${prefix}${name}`, role ?? r, a === undefined ? undefined : scalarTensor(dtype, a), e === undefined ? undefined : scalarTensor(dtype, e), tolerance);
  return [one(LOSS_OUTPUT, ours.loss, ref.loss, 'loss'), ...ctx.refProgram.terms.map((t) => one(termOutput(t), ours.terms[t], ref.terms[t], 'term'))];
}
