import { GraphBuilder } from '../../../src/graph/builder.ts';
import { tensor, type Tensor } from '../../../src/graph/tensor.ts';
import { runOnOrt } from '../../../src/plugins/backends/onnxruntime/ort-run.ts';
import type { GraphOptimizer } from '../../../src/train/optimizers/graph-optimizer.ts';
import { emitOptimizerStep, GRAD_NORM_OUTPUT, LR_INPUT, nextName, slotInputName, STEP_INPUT } from '../../../src/train/optimizers/optimizer-step.ts';

/** Parameters of the test problem: flat values plus the shape they are fed in. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: readonly number[];
}

/** Gradient of element `j` of parameter `i` at (0-based) step `k`, given the element's current value. */
export type GradRule = (p: number, i: number, j: number, k: number) => number;

/** The state after each update: params[step][param][element], slots[step][param][slot][element]. */
export interface Trajectory {
  readonly params: number[][][];
  readonly slots: Record<string, number[]>[][];
  readonly gradNorms: number[];
}

/**
 * Runs `optimizer` as a graph on onnxruntime, one `runOnOrt` call per step, feeding the new parameters and
 * slots back in: exactly what a trainer does, with gradients computed host-side from the rule.
 */
export async function runOptimizerOnOrt(
  optimizer: GraphOptimizer,
  specs: readonly ParamSpec[],
  opts: { steps: number; lr: (k: number) => number; grad: GradRule; dtype?: 'float32' | 'float64'; clip?: { max_norm: number } },
): Promise<Trajectory> {
  const dtype = opts.dtype ?? 'float64';
  const g = new GraphBuilder(`${optimizer.name}-step`);
  const params = specs.map((s) => ({ name: s.name, value: g.input(s.name, dtype, s.shape), grad: g.input(`${s.name}/grad`, dtype, s.shape) }));
  emitOptimizerStep(g, optimizer, params, opts.clip);
  const graph = g.build();

  let values = specs.map((s) => [...s.init]);
  let slots = specs.map((s) => Object.fromEntries(optimizer.slots.map((n) => [n, s.init.map(() => 0)])) as Record<string, number[]>);
  const out: Trajectory = { params: [], slots: [], gradNorms: [] };
  for (let k = 0; k < opts.steps; k++) {
    const feeds: Record<string, Tensor> = { [LR_INPUT]: tensor(dtype, [], [opts.lr(k)]), [STEP_INPUT]: tensor(dtype, [], [k + 1]) };
    specs.forEach((s, i) => {
      feeds[s.name] = tensor(dtype, s.shape, values[i]);
      feeds[`${s.name}/grad`] = tensor(dtype, s.shape, values[i].map((p, j) => opts.grad(p, i, j, k)));
      for (const n of optimizer.slots) feeds[slotInputName(s.name, n)] = tensor(dtype, s.shape, slots[i][n]);
    });
    const res = await runOnOrt(graph, feeds);
    values = specs.map((s) => Array.from(res[nextName(s.name)].data as Float64Array));
    slots = specs.map((s) => Object.fromEntries(optimizer.slots.map((n) => [n, Array.from(res[nextName(slotInputName(s.name, n))].data as Float64Array)])));
    out.params.push(values);
    out.slots.push(slots);
    if (opts.clip) out.gradNorms.push(Number(res[GRAD_NORM_OUTPUT].data[0]));
  }
  return out;
}

/** The first element where |actual − expected| > atol + rtol·|expected|, described; undefined when all agree. */
export function firstMismatch(actual: Trajectory, expected: Trajectory, rtol: number, atol = 0): string | undefined {
  for (let k = 0; k < expected.params.length; k++) {
    const check = (what: string, a: readonly number[], e: readonly number[]): string | undefined => {
      for (let j = 0; j < e.length; j++) {
        if (!(Math.abs(a[j] - e[j]) <= atol + rtol * Math.abs(e[j]))) return `step ${k + 1}, ${what}[${j}]: got ${a[j]}, expected ${e[j]}`;
      }
      return undefined;
    };
    for (let i = 0; i < expected.params[k].length; i++) {
      const bad = check(`param ${i}`, actual.params[k][i], expected.params[k][i]);
      if (bad) return bad;
      for (const [slot, e] of Object.entries(expected.slots[k][i])) {
        const a = actual.slots[k][i][slot];
        if (!a) return `step ${k + 1}: slot "${slot}" of param ${i} is missing`;
        const badSlot = check(`param ${i} ${slot}`, a, e);
        if (badSlot) return badSlot;
      }
    }
  }
  return undefined;
}
