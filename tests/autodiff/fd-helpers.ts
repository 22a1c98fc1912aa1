import { checkGradients } from '../../src/autodiff/gradient-check.ts';
import type { RuleRegistry } from '../../src/autodiff/rule-registry.ts';
import { grad } from '../../src/autodiff/vjp.ts';
import { Rng } from '../../src/data/rng.ts';
import { GraphBuilder, type Value } from '../../src/graph/builder.ts';
import type { DType } from '../../src/graph/dtype.ts';
import type { Graph } from '../../src/graph/ir.ts';
import { tensor, sizeOf, type Shape, type Tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';

export interface FdInput {
  readonly shape: Shape;
  /** Range the random values are drawn from (default [-1, 1]); keeps Log, Sqrt, Pow bases in their domain. */
  readonly range?: readonly [number, number];
  /** Not perturbed (e.g. a fixed exponent); still fed. */
  readonly fixed?: boolean;
}

export interface FdCase {
  readonly dtype: DType;
  readonly inputs: readonly FdInput[];
  readonly build: (b: GraphBuilder, xs: Value[]) => Value;
  readonly seed?: number;
  readonly rules?: RuleRegistry;
  readonly rtol?: number;
  readonly atol?: number;
  readonly eps?: number;
}

export function randomTensor(dtype: DType, shape: Shape, rng: Rng, [lo, hi]: readonly [number, number] = [-1, 1]): Tensor {
  return tensor(dtype, shape, Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * rng.uniform()));
}

/** The case's graph (inputs x0, x1, …; output y), random feeds, and the inputs to perturb. */
export function buildCase(c: FdCase): { graph: Graph; feeds: Record<string, Tensor>; wrt: string[] } {
  const rng = new Rng(c.seed ?? 7);
  const b = new GraphBuilder('fd');
  const xs = c.inputs.map((inp, i) => b.input(`x${i}`, c.dtype, inp.shape));
  b.output(c.build(b, xs), 'y');
  const feeds = Object.fromEntries(c.inputs.map((inp, i) => [`x${i}`, randomTensor(c.dtype, inp.shape, rng, inp.range)]));
  return { graph: b.build(), feeds, wrt: c.inputs.flatMap((inp, i) => (inp.fixed ? [] : [`x${i}`])) };
}

/** Checks the case's gradient against central differences on ORT. */
export async function fdCheck(c: FdCase) {
  const { graph, feeds, wrt } = buildCase(c);
  return checkGradients(graph, { of: 'y', wrt, feeds, ...checkOptions(c) });
}

/**
 * Checks the second derivative: the first gradient graph (w.r.t. every perturbed input) is differentiated
 * again, and the gradient of its first gradient output is compared with central differences of that output.
 * This exercises each rule's own rule: rules must be written in differentiable forward ops.
 */
export async function fdCheckSecondOrder(c: FdCase) {
  const { graph, feeds, wrt } = buildCase(c);
  const first = grad(graph, { of: 'y', wrt, names: wrt.map((w) => `d:${w}`) }, c.rules);
  return checkGradients(first, { of: `d:${wrt[0]}`, wrt, feeds, ...checkOptions(c) });
}

function checkOptions(c: FdCase) {
  return {
    run: (g: Graph, f: Record<string, Tensor>) => runOnOrt(g, f),
    seed: (c.seed ?? 7) + 1,
    ...(c.rules ? { rules: c.rules } : {}),
    ...(c.rtol !== undefined ? { rtol: c.rtol } : {}),
    ...(c.atol !== undefined ? { atol: c.atol } : {}),
    ...(c.eps !== undefined ? { eps: c.eps } : {}),
  };
}
