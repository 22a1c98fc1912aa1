import { Rng } from '../data/rng.ts';
import { GraphBuilder } from '../graph/builder.ts';
import type { Graph } from '../graph/ir.ts';
import { allocate } from '../graph/dtype.ts';
import { sizeOf, type Tensor } from '../graph/tensor.ts';
import { defaultRules } from './register-all-rules.ts';
import type { RuleRegistry } from './rule-registry.ts';
import { grad } from './vjp.ts';

/** Anything that runs a graph of forward ops: ORT, tfjs, an interpreter. */
export type Executor = (graph: Graph, feeds: Record<string, Tensor>) => Promise<Record<string, Tensor>>;

export interface GradientCheckOptions {
  /** The value whose gradient is checked (need not be a graph output). */
  readonly of: string;
  /** Graph inputs to perturb; all are moved together along one random direction. */
  readonly wrt: readonly string[];
  readonly feeds: Record<string, Tensor>;
  readonly run: Executor;
  readonly rules?: RuleRegistry;
  /** Finite-difference step (default 1e-6 in float64, 1e-2 in float32). */
  readonly eps?: number;
  readonly rtol?: number;
  readonly atol?: number;
  /** Seeds the random direction v and output weights w. */
  readonly seed?: number;
}

export interface GradientCheckResult {
  /** v · ∇ₓ sum(w ⊙ y), from the gradient graph. */
  readonly analytic: number;
  /** (f(x + εv) − f(x − εv)) / 2ε with f = sum(w ⊙ y), from the forward graph. */
  readonly numeric: number;
  readonly ok: boolean;
  /** One line for a person: what was compared and how far apart it was. */
  readonly summary: string;
}

/**
 * Checks a gradient graph against central differences along one random direction: with random weights w on
 * the output and a random direction v on the inputs, the directional derivative of sum(w ⊙ y) computed by
 * the transform (seed = w) must match the finite difference. One forward/backward run and two forward runs
 * check every input at once, which keeps property tests over many shapes fast.
 */
export async function checkGradients(graph: Graph, o: GradientCheckOptions): Promise<GradientCheckResult> {
  const rng = new Rng(o.seed ?? 1);
  const ofInfo = graph.value(o.of);
  const float64 = ofInfo.dtype === 'float64';
  const eps = o.eps ?? (float64 ? 1e-6 : 1e-2);
  const rtol = o.rtol ?? (float64 ? 1e-6 : 2e-2);
  const atol = o.atol ?? (float64 ? 1e-8 : 1e-3);
  for (const w of o.wrt) {
    if (!graph.inputs.some((i) => i.name === w)) throw new Error(`checkGradients: "${w}" is not an input of graph "${graph.name}"; only fed values can be perturbed`);
  }
  const w = randomLike(ofInfo.dtype, ofInfo.shape, rng);
  const v = Object.fromEntries(o.wrt.map((name) => [name, randomLike(o.feeds[name].dtype, o.feeds[name].shape, rng)]));

  const gradGraph = grad(graph, { of: o.of, wrt: o.wrt, seed: w, names: o.wrt.map((n) => `check:${n}`) }, o.rules ?? defaultRules);
  const grads = await o.run(gradGraph, o.feeds);
  let analytic = 0;
  for (const name of o.wrt) analytic += dot(grads[`check:${name}`].data, v[name].data);

  const forward = withOutput(graph, o.of);
  const f = async (sign: number): Promise<number> => {
    const feeds = { ...o.feeds };
    for (const name of o.wrt) feeds[name] = shifted(o.feeds[name], v[name], sign * eps);
    const out = await o.run(forward, feeds);
    return dot(out[o.of].data, w.data);
  };
  const numeric = ((await f(1)) - (await f(-1))) / (2 * eps);
  const ok = Math.abs(analytic - numeric) <= atol + rtol * Math.max(Math.abs(analytic), Math.abs(numeric));
  const summary = `d/dε sum(w ⊙ ${o.of}) along v over [${o.wrt.join(', ')}]: autodiff ${analytic}, central difference ${numeric} ` +
    `(ε=${eps}, ${ofInfo.dtype}, |diff| ${Math.abs(analytic - numeric).toExponential(2)}, rtol ${rtol}, atol ${atol})`;
  return { analytic, numeric, ok, summary };
}

function withOutput(graph: Graph, name: string): Graph {
  if (graph.outputs.some((o) => o.name === name)) return graph;
  const b = GraphBuilder.extend(graph);
  b.output(b.value(name));
  return b.build();
}

function randomLike(dtype: Tensor['dtype'], shape: readonly number[], rng: Rng): Tensor {
  const data = allocate(dtype, sizeOf(shape)) as Float64Array | Float32Array;
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() * 2 - 1;
  return { dtype, shape: [...shape], data };
}

function shifted(x: Tensor, v: Tensor, by: number): Tensor {
  const data = allocate(x.dtype, x.data.length) as Float64Array | Float32Array;
  const xd = x.data as Float64Array | Float32Array;
  const vd = v.data as Float64Array | Float32Array;
  for (let i = 0; i < data.length; i++) data[i] = xd[i] + by * vd[i];
  return { dtype: x.dtype, shape: x.shape, data };
}

function dot(a: Tensor['data'], b: Tensor['data']): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Number(a[i]) * Number(b[i]);
  return s;
}
