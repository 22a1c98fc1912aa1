import { z } from 'zod';
import { tensor, type Tensor } from '../graph/tensor.ts';
import type { BatchFeed, Session } from '../contracts/backend.ts';
import { Lbfgs } from './lbfgs/lbfgs.ts';
import { lbfgsOptions } from './lbfgs/lbfgs-options.ts';
import type { TrainingProgram } from './program.ts';

/**
 * An optional L-BFGS refinement after the first-order epochs (`train.lbfgs`), the usual PINN recipe: Adam finds the
 * basin, L-BFGS converges in it. Full batch: the objective is one run of the backend Session's gradients graph
 * at the parameters L-BFGS proposes (flattened in the program's parameter order; optimizer slots untouched).
 *
 *   train.lbfgs: {steps: 50, max_iter: 20, history_size: 50, line_search_fn: strong_wolfe}
 *
 * `steps` is the number of torch `LBFGS.step(closure)` calls; the other keys are torch's (specs/training.md §3).
 */
export const lbfgsPhaseSchema = z
  .looseObject({ steps: z.int().min(1).describe('L-BFGS step() calls (each up to max_iter iterations)') })
  .transform((raw, ctx) => {
    const { steps, ...options } = raw;
    const parsed = lbfgsOptions.safeParse(options);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path.map(String), message: issue.message });
      return z.NEVER;
    }
    return { steps, options: parsed.data };
  });
export type LbfgsPhaseConfig = z.output<typeof lbfgsPhaseSchema>;

export interface LbfgsPhaseOutcome {
  readonly steps: number;
  readonly evaluations: number;
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly seconds: number;
}

/** Refines the session's parameters in place on one full batch; stops early when L-BFGS stops moving. */
export async function refineWithLbfgs(session: Session, program: TrainingProgram, feed: BatchFeed, config: LbfgsPhaseConfig, onStep?: (step: number, loss: number) => void): Promise<LbfgsPhaseOutcome> {
  const t0 = performance.now();
  const params = program.params;
  const state = session.getState();
  const dtype = program.spec.dtype;
  const length = params.reduce((n, p) => n + state.get(p.name)!.data.length, 0);
  // The vector in the parameters' dtype: L-BFGS rounds a float32 x where it stores it, as the graph would.
  const x = dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  let offset = 0;
  for (const p of params) {
    const data = state.get(p.name)!.data as ArrayLike<number>;
    x.set(data, offset);
    offset += data.length;
  }
  const load = (v: Float64Array | Float32Array): void => {
    let o = 0;
    for (const p of params) {
      const current: Tensor = state.get(p.name)!;
      state.set(p.name, tensor(dtype, current.shape, v.subarray(o, o + current.data.length)));
      o += current.data.length;
    }
    session.setState(state);
  };
  const objective = async (v: Float64Array | Float32Array) => {
    load(v);
    const r = await session.gradients(feed);
    if (!Number.isFinite(r.loss)) throw new Error(`L-BFGS refinement: the loss became ${r.loss}; lower train.lbfgs.lr or use line_search_fn: strong_wolfe`);
    const grad = new Float64Array(v.length);
    let o = 0;
    for (const p of params) {
      const g = r.grads.get(p.name)!.data as ArrayLike<number>;
      grad.set(g, o);
      o += g.length;
    }
    return { loss: r.loss, grad };
  };
  const lbfgs = new Lbfgs(config.options);
  const lossBefore = (await session.evaluate(feed)).loss;
  let steps = 0;
  while (steps < config.steps) {
    const before = lbfgs.counters.funcEvals;
    const loss = await lbfgs.step(x, objective);
    onStep?.(++steps, loss);
    // A step that evaluated only its starting point met a tolerance (gradient or direction): it has converged.
    if (lbfgs.counters.funcEvals - before <= 1) break;
  }
  load(x);
  const lossAfter = (await session.evaluate(feed)).loss;
  return { steps, evaluations: lbfgs.counters.funcEvals, lossBefore, lossAfter, seconds: (performance.now() - t0) / 1000 };
}
