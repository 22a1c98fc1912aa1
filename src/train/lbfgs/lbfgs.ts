import { parseLbfgsOptions, type LbfgsOptions } from './lbfgs-options.ts';
import { strongWolfe } from './strong-wolfe.ts';
import { addScaled, dot, maxAbs, scaled, sumAbs, type Vec } from './vec.ts';

/** Loss and gradient at x. `x` is the caller's parameter vector, moved to the trial point before each call. */
export type LbfgsObjective = (x: Float64Array | Float32Array) => Promise<{ loss: number; grad: ArrayLike<number> }>;

/** What persists between `step()` calls, as in torch's `optimizer.state[params[0]]`. */
export interface LbfgsState {
  funcEvals: number;
  nIter: number;
  d?: Vec;
  t?: number;
  oldDirs: Vec[];
  oldStps: Vec[];
  ro: number[];
  hDiag: number;
  prevFlatGrad?: Vec;
  prevLoss?: number;
}

/**
 * Host-side port of torch 1.13 `torch.optim.LBFGS.step(closure)`, for full-batch problems (PINNs, inverse
 * problems) where the objective is one graph run. Each `step()` is one torch `optimizer.step(closure)`: up to
 * `max_iter` iterations and `max_eval` evaluations, with the history kept across calls.
 *
 * Vector arithmetic is float64. With a float64 `x` the iterates follow torch's float64 LBFGS to rounding; with a
 * float32 `x` only the parameter itself is rounded to float32 (torch would do all of its arithmetic in float32).
 */
export class Lbfgs {
  readonly options: LbfgsOptions;
  private st: LbfgsState = { funcEvals: 0, nIter: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1 };

  constructor(raw: unknown = {}) {
    this.options = parseLbfgsOptions(raw);
  }

  /** Total objective evaluations and iterations so far (torch's `func_evals`, `n_iter`). */
  get counters(): { readonly funcEvals: number; readonly nIter: number } {
    return { funcEvals: this.st.funcEvals, nIter: this.st.nIter };
  }

  /** A deep copy of the history and counters, for a checkpoint (the vectors are parameter-sized). */
  state(): LbfgsState {
    return copyState(this.st);
  }

  /** Continues from a `state()` taken earlier: the next `step()` behaves as if the run had never stopped. */
  restore(state: LbfgsState): void {
    this.st = copyState(state);
  }

  /** Optimizes `x` in place; returns the loss at the starting point, like torch's `step`. */
  async step(x: Float64Array | Float32Array, objective: LbfgsObjective): Promise<number> {
    const { lr, max_iter: maxIter, max_eval: maxEval, tolerance_grad: tolGrad, tolerance_change: tolChange, history_size: historySize } = this.options;
    const st = this.st;
    const evaluate = async (): Promise<{ loss: number; grad: Vec }> => {
      const r = await objective(x);
      if (r.grad.length !== x.length) throw new Error(`L-BFGS objective returned a gradient of length ${r.grad.length} for ${x.length} parameters`);
      return { loss: Number(r.loss), grad: Float64Array.from(r.grad) };
    };

    const first = await evaluate();
    const origLoss = first.loss;
    let loss = first.loss;
    let flatGrad = first.grad;
    let currentEvals = 1;
    st.funcEvals += 1;
    if (maxAbs(flatGrad) <= tolGrad) return origLoss;

    let d = st.d ?? new Float64Array(x.length);
    let t = st.t ?? lr;
    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      st.nIter += 1;

      // Direction: steepest descent first, then the two-loop recursion over the history.
      if (st.nIter === 1) {
        d = scaled(flatGrad, -1);
        st.oldDirs = [];
        st.oldStps = [];
        st.ro = [];
        st.hDiag = 1;
      } else {
        const y = flatGrad.map((v, i) => v - st.prevFlatGrad![i]);
        const s = scaled(d, t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (st.oldDirs.length === historySize) {
            st.oldDirs.shift();
            st.oldStps.shift();
            st.ro.shift();
          }
          st.oldDirs.push(y);
          st.oldStps.push(s);
          st.ro.push(1 / ys);
          st.hDiag = ys / dot(y, y);
        }
        const numOld = st.oldDirs.length;
        const al = new Array<number>(numOld);
        const q = scaled(flatGrad, -1);
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = dot(st.oldStps[i], q) * st.ro[i];
          addScaled(q, st.oldDirs[i], -al[i]);
        }
        const r = scaled(q, st.hDiag);
        for (let i = 0; i < numOld; i++) {
          const beI = dot(st.oldDirs[i], r) * st.ro[i];
          addScaled(r, st.oldStps[i], al[i] - beI);
        }
        d = r;
      }
      st.prevFlatGrad = Float64Array.from(flatGrad);
      st.prevLoss = loss;

      // Step length: the first iteration ever is scaled by the gradient's 1-norm, as in torch.
      t = st.nIter === 1 ? Math.min(1, 1 / sumAbs(flatGrad)) * lr : lr;
      const gtd = dot(flatGrad, d);
      if (gtd > -tolChange) break;

      let lsEvals = 0;
      if (this.options.line_search_fn === 'strong_wolfe') {
        const xInit = x.slice();
        const dir = d;
        const ls = await strongWolfe(
          async (trialT, dd) => {
            addScaled(x, dd, trialT);
            const r = await evaluate();
            x.set(xInit);
            return r;
          },
          t,
          dir,
          loss,
          flatGrad,
          gtd,
        );
        ({ loss, grad: flatGrad, t, evals: lsEvals } = ls);
        addScaled(x, d, t);
      } else {
        addScaled(x, d, t);
        // torch skips the evaluation after the last iteration: its result would only be thrown away.
        if (nIter !== maxIter) {
          ({ loss, grad: flatGrad } = await evaluate());
          lsEvals = 1;
        }
      }
      const optCond = maxAbs(flatGrad) <= tolGrad;
      currentEvals += lsEvals;
      st.funcEvals += lsEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (maxAbs(d) * Math.abs(t) <= tolChange) break; // lack of progress in x
      if (Math.abs(loss - st.prevLoss) < tolChange) break; // lack of progress in the loss
    }
    st.d = d;
    st.t = t;
    return origLoss;
  }
}

function copyState(s: LbfgsState): LbfgsState {
  const copy = (v: Vec) => Float64Array.from(v);
  return {
    ...s,
    d: s.d && copy(s.d),
    prevFlatGrad: s.prevFlatGrad && copy(s.prevFlatGrad),
    oldDirs: s.oldDirs.map(copy),
    oldStps: s.oldStps.map(copy),
    ro: [...s.ro],
  };
}
