import { grad } from '../autodiff/vjp.ts';
import { NON_DIFFERENTIABLE_OPS } from '../autodiff/op-names.ts';
import type { RuleRegistry } from '../autodiff/rule-registry.ts';
import type { GraphExecutor } from '../contracts/backend.ts';
import { isFloat } from '../graph/dtype.ts';
import { Graph, type Node, type ValueInfo } from '../graph/ir.ts';
import { tensor, type Tensor } from '../graph/tensor.ts';
import type { DerivativeRecord } from '../train/loss-scope.ts';
import { selectOutputs } from '../train/select-outputs.ts';
import { compareTensors } from './compare-tensors.ts';
import type { ReferenceRun } from '../contracts/reference.ts';
import type { Tolerance, ValueError } from './report.ts';
import { arbitrate } from './arbiter.ts';
import { LocalizationUnavailable } from './errors.ts';
import { toFloat64Derivatives, toFloat64Graph } from './float64-graph.ts';
import { toFloat64 } from './float64-reference.ts';

/**
 * ADJOINT PROBES (the mechanism behind gradient localization, gradient-divergence.ts decides where to use it).
 * Every probed edge (node n, input i) whose value x varies with the inputs gets a zero-valued probe: n reads
 * x + probe instead of x. The value is unchanged, and d target / d probe is exactly n's contribution to x's
 * adjoint: the vector-Jacobian product n's gradient rule computes for input i. Both sides differentiate the
 * same probed graph: tandem's reverse mode with the side's rules (run on onnxruntime) and torch.autograd.
 * A node whose output edges all agree while one of its input edges disagrees received matching adjoints and
 * returned a wrong one: its gradient rule is the culprit.
 */
export interface Edge {
  readonly node: Node;
  readonly input: number;
  readonly value: string;
  readonly producer: string | null;
  readonly probe: string;
  readonly info: ValueInfo;
}

/** One probed graph, ready for both sides; built identically at record time and at parity time (baselines). */
export interface ProbePlan {
  /** The graph tandem differentiates: probes added, derivative subgraphs (tandem's own nodes) kept. */
  readonly ours: Graph;
  /** The graph torch differentiates: `ours` with the input derivatives as holes torch.autograd fills. */
  readonly ref: Graph;
  /** The derivative holes of `ref` (none when it has none). */
  readonly derivatives: readonly DerivativeRecord[];
  /** The scalar output differentiated. */
  readonly target: string;
  readonly edges: readonly Edge[];
  /** The unprobed nodes, in topological order (the walk goes through them backwards). */
  readonly nodes: readonly Node[];
  /** Exactly the inputs of `ours`: data, parameters and the zero probes. */
  readonly feeds: ReadonlyMap<string, Tensor>;
}

export interface ProbeResult {
  readonly errors: ReadonlyMap<string, ValueError>;
  /** The node whose rule turned matching output adjoints into diverging input adjoints, if any. */
  readonly culprit?: {
    readonly node: Node;
    readonly diverging: ValueError[];
    readonly upstream: ValueError[];
    /**
     * Tandem's own probed gradient graph, run in float64 by the reference, gives torch.autograd's float64 adjoints
     * on every diverging edge: the rule is right, and its float32 adjoints differ through the float32 values it
     * reads (an input within float32 error of a ReLU kink flips its mask). Absent when not checked or not cleared.
     */
    readonly clearedInFloat64?: { readonly maxAbs: number };
  };
}

/**
 * Adds a zero probe on every differentiable edge of `graph` whose consuming node `probed` accepts. Outputs are
 * unchanged; `feeds` (data and parameters) are completed with the probes' zeros.
 */
export function probePlan(
  graph: Graph,
  target: string,
  feeds: ReadonlyMap<string, Tensor>,
  probed: (n: Node) => boolean = () => true,
  derivatives: readonly DerivativeRecord[] = [],
  cut: (g: Graph) => Graph = (g) => g,
): ProbePlan {
  const producers = graph.producers();
  const varying = new Set(graph.inputs.map((i) => i.name));
  for (const n of graph.nodes) if (n.inputs.some((i) => i && varying.has(i))) for (const o of n.outputs) if (o) varying.add(o);
  const nodes: Node[] = [];
  const values = new Map(graph.values);
  const probeInputs: ValueInfo[] = [];
  const edges: Edge[] = [];
  for (const n of graph.nodes) {
    if (n.op in NON_DIFFERENTIABLE_OPS || !probed(n)) {
      nodes.push(n);
      continue;
    }
    const inputs = n.inputs.map((x, i) => {
      if (!x || !varying.has(x) || !isFloat(graph.value(x).dtype)) return x;
      const info = graph.value(x);
      const probe = `probe:${n.name}:${i}`;
      const sum = `${x}+probe:${n.name}:${i}`;
      probeInputs.push({ name: probe, dtype: info.dtype, shape: info.shape });
      values.set(probe, { name: probe, dtype: info.dtype, shape: info.shape });
      values.set(sum, { name: sum, dtype: info.dtype, shape: info.shape });
      nodes.push({ name: `probe-add:${n.name}:${i}`, op: 'Add', inputs: [x, probe], outputs: [sum], attrs: {} });
      edges.push({ node: n, input: i, value: x, producer: producers.get(x)?.name ?? null, probe, info });
      return sum;
    });
    nodes.push({ ...n, inputs });
  }
  const ours = new Graph(`${graph.name}.probed`, [...graph.inputs, ...probeInputs], graph.outputs, graph.initializers, nodes, values);
  const all = new Map(feeds);
  for (const e of edges) all.set(e.probe, tensor(e.info.dtype, e.info.shape));
  const own = new Map([...all].filter(([k]) => ours.inputs.some((i) => i.name === k)));
  return { ours, ref: cut(ours), derivatives, target, edges, nodes: graph.nodes, feeds: own };
}

/**
 * Both sides' adjoints at every probe, compared, and the walk from the target backwards to the culprit. An
 * adjoint outside the tolerance is then judged by the float64 arbiter (arbiter.ts) on the same probed graph in
 * float64, so a rule whose float32 adjoints are no further from float64 than torch's own is never blamed.
 */
export async function runProbes(plan: ProbePlan, rules: RuleRegistry | undefined, reference: ReferenceRun, localizer: GraphExecutor, tolerance: Tolerance): Promise<ProbeResult> {
  const probes = plan.edges.map((e) => e.probe);
  const names = probes.map((p) => `adjoint:${p}`);
  const ours = grad(plan.ours, { of: plan.target, wrt: probes, names }, rules);
  const oursOut = await localizer.run(selectOutputs(ours, names, `${plan.ours.name}.adjoints`), plan.feeds);
  const refOut = await reference.autograd!(plan.ref, plan.feeds, plan.target, probes, plan.derivatives);

  const compared = plan.edges.map((e) => compareTensors(e.probe, 'grad', oursOut.get(`adjoint:${e.probe}`), refOut.get(e.probe), tolerance));
  const truth = compared.some((c) => c.verdict === 'fail') ? await float64Adjoints(plan, reference, probes) : undefined;
  const errors = new Map<string, ValueError>();
  for (const [k, e] of plan.edges.entries()) {
    const c = truth ? arbitrate(compared[k], oursOut.get(`adjoint:${e.probe}`), refOut.get(e.probe), truth.get(e.probe)) : compared[k];
    errors.set(e.probe, { name: `d ${plan.target}/d ${e.value} at ${e.node.name}[${e.input}]`, producer: e.producer, withinTolerance: c.verdict === 'pass', maxAbs: c.metrics?.maxAbs ?? 'NaN', relL2: c.metrics?.relL2 ?? 'NaN' });
  }
  const byNode = new Map<string, Edge[]>();
  for (const e of plan.edges) byNode.set(e.node.name, [...(byNode.get(e.node.name) ?? []), e]);
  const consumersOf = (value: string) => plan.edges.filter((e) => e.value === value);
  for (let k = plan.nodes.length - 1; k >= 0; k--) {
    const node = plan.nodes[k];
    const diverging = (byNode.get(node.name) ?? []).map((e) => errors.get(e.probe)!).filter((v) => !v.withinTolerance);
    if (diverging.length === 0) continue;
    const upstream = node.outputs.flatMap(consumersOf).map((e) => errors.get(e.probe)!);
    if (upstream.some((v) => !v.withinTolerance)) continue;
    const edges = (byNode.get(node.name) ?? []).filter((e) => !errors.get(e.probe)!.withinTolerance);
    const cleared = truth ? await ruleInFloat64(ours, edges, plan.feeds, reference, truth, tolerance) : undefined;
    return { errors, culprit: { node, diverging, upstream, ...(cleared ? { clearedInFloat64: cleared } : {}) } };
  }
  return { errors };
}

/**
 * Tandem's probed gradient graph run in float64 by the reference (its executor, not its autograd), from the same
 * feeds cast exactly: where its adjoints on the culprit's diverging edges match torch.autograd's float64 ones within
 * the tolerance, the rule computes the right function and only the float32 values it read differed. Undefined
 * when they do not match (the rule is wrong) or the reference cannot execute graphs.
 */
async function ruleInFloat64(
  ours: Graph,
  edges: readonly Edge[],
  feeds: ReadonlyMap<string, Tensor>,
  reference: ReferenceRun,
  truth: ReadonlyMap<string, Tensor>,
  tolerance: Tolerance,
): Promise<{ maxAbs: number } | undefined> {
  if (!reference.execute) return undefined;
  const names = edges.map((e) => `adjoint:${e.probe}`);
  let out: Map<string, Tensor>;
  try {
    out = await reference.execute(toFloat64Graph(selectOutputs(ours, names, `${ours.name}.float64-adjoints`)), toFloat64(feeds), names);
  } catch (e) {
    if (e instanceof LocalizationUnavailable) return undefined;
    throw e;
  }
  const compared = edges.map((e) => compareTensors(e.probe, 'grad', out.get(`adjoint:${e.probe}`), truth.get(e.probe), tolerance));
  if (compared.some((c) => c.verdict !== 'pass')) return undefined;
  return { maxAbs: Math.max(...compared.map((c) => Number(c.metrics?.maxAbs ?? 0))) };
}

/**
 * The reference's adjoints on the probed graph in float64, from the same (float32) feeds cast exactly, derivative
 * holes (PINN terms) filled by its autograd in float64 too; undefined where it cannot answer (a baseline records
 * float32 requests only).
 */
async function float64Adjoints(plan: ProbePlan, reference: ReferenceRun, probes: readonly string[]): Promise<ReadonlyMap<string, Tensor> | undefined> {
  if (![...plan.feeds.values()].some((t) => t.dtype === 'float32')) return undefined;
  try {
    return await reference.autograd!(toFloat64Graph(plan.ref), toFloat64(plan.feeds), plan.target, probes, toFloat64Derivatives(plan.derivatives));
  } catch (e) {
    if (e instanceof LocalizationUnavailable) return undefined;
    throw e;
  }
}
