import { grad } from '../autodiff/vjp.ts';
import { NON_DIFFERENTIABLE_OPS } from '../autodiff/op-names.ts';
import { isFloat } from '../graph/dtype.ts';
import { Graph, type Node, type ValueInfo } from '../graph/ir.ts';
import { toOnnx } from '../graph/onnx/to-onnx.ts';
import { tensor } from '../graph/tensor.ts';
import type { BatchFeed } from '../plugins/backends/backend.ts';
import { LOSS_OUTPUT, type TrainingProgram } from '../train/program.ts';
import { selectOutputs } from '../train/select-outputs.ts';
import { compareTensors } from './compare-tensors.ts';
import type { ReferenceRun } from './reference/reference.ts';
import type { FirstDivergence, Tolerance, ValueError } from './report.ts';
import { roundingNote, severityOf } from './severity.ts';
import { initialFeeds, runOnExecutor } from './side-graph.ts';

/**
 * Gradient first-divergence by ADJOINT PROBES. Every edge (node n, input i) of the loss graph whose value x
 * varies with the inputs gets a zero-valued probe: n reads x + probe instead of x. The value is unchanged, and
 * d loss / d probe is exactly n's contribution to x's adjoint: the vector-Jacobian product n's gradient rule
 * computes for input i. Both sides differentiate the same probed graph:
 *   ours:  tandem's reverse mode, with the side's gradient rules, executed by onnxruntime;
 *   torch: torch.autograd on the torch interpreter's execution of that graph.
 * A node whose output edges all agree while one of its input edges disagrees received matching adjoints and
 * returned a wrong one: its gradient rule is the culprit. Walking from the loss backwards, the first such node
 * is reported. When every edge agrees, no rule is wrong and the divergence lies in how the backend executed
 * the gradient graph.
 */
export async function firstGradientDivergence(program: TrainingProgram, refProgram: TrainingProgram, reference: ReferenceRun, batch: BatchFeed, tolerance: Tolerance): Promise<FirstDivergence> {
  const method = 'adjoint probes: tandem autodiff (side rules) on onnxruntime vs torch.autograd';
  if (!reference.autograd) return unavailable('the reference is recorded; adjoint probes need the live torch reference', method);
  if (program.derivatives.length) return unavailable('the loss uses input derivatives (PINN terms); adjoint probes across derivative holes are not implemented', method);
  const { graph, edges } = probeGraph(program.graphs.loss);
  const probes = edges.map((e) => e.probe);
  const ours = grad(graph, { of: LOSS_OUTPUT, wrt: probes, names: probes.map((p) => `adjoint:${p}`) }, program.spec.rules);
  const oursGraph = selectOutputs(ours, probes.map((p) => `adjoint:${p}`), `${graph.name}.adjoints`);

  const feeds = initialFeeds(program, batch);
  for (const e of edges) feeds.set(e.probe, tensor(e.info.dtype, e.info.shape));
  const oursOut = await runOnExecutor(oursGraph, feeds);
  const refOut = await reference.autograd(graph, feeds, LOSS_OUTPUT, probes);

  const err = new Map<string, ValueError & { edge: Edge }>();
  for (const e of edges) {
    const c = compareTensors(e.probe, 'grad', oursOut.get(`adjoint:${e.probe}`), refOut.get(e.probe), tolerance);
    err.set(e.probe, { name: `d loss/d ${e.value} at ${e.node.name}[${e.input}]`, producer: e.producer, withinTolerance: c.verdict === 'pass', maxAbs: c.metrics?.maxAbs ?? 'NaN', relL2: c.metrics?.relL2 ?? 'NaN', edge: e });
  }
  const strip = ({ edge: _edge, ...v }: ValueError & { edge: Edge }): ValueError => v;
  const byNode = new Map<string, Edge[]>();
  for (const e of edges) byNode.set(e.node.name, [...(byNode.get(e.node.name) ?? []), e]);
  const consumersOf = (value: string) => edges.filter((e) => e.value === value);
  const nodes = program.graphs.loss.nodes;
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k];
    const inputs = (byNode.get(n.name) ?? []).map((e) => err.get(e.probe)!);
    const diverging = inputs.filter((v) => !v.withinTolerance);
    if (diverging.length === 0) continue;
    const outputs = n.outputs.flatMap(consumersOf).map((e) => err.get(e.probe)!);
    if (outputs.some((v) => !v.withinTolerance)) continue;
    const severity = severityOf(diverging, program.spec.dtype);
    const reaching = outputs.length ? ` (${outputs.map((o) => `${o.name} max abs ${o.maxAbs}`).join(', ')})` : ' (it produces the loss)';
    const returned = diverging.map((d) => `${d.name} max abs ${d.maxAbs}, rel L2 ${d.relL2}`).join('; ');
    return {
      kind: 'gradient',
      node: { name: n.name, op: n.op, diverging: diverging.map(strip), upstream: outputs.map(strip), severity },
      compared: err.size,
      message:
        severity === 'significant'
          ? `the gradient rule of node "${n.name}" (${n.op}) is wrong: the adjoints reaching it match torch${reaching}, but the ones it returns do not: ${returned}. Check src/autodiff/rules/${n.op}.ts.`
          : `node "${n.name}" (${n.op}) is where the gradients first leave the tolerance: the adjoints reaching it match torch${reaching}, the ones it returns differ slightly: ${returned}; ${roundingNote(program.spec.dtype, 'gradients')}.`,
      method,
    };
  }
  const bad = [...err.values()].filter((v) => !v.withinTolerance);
  // Both sides differentiated the SIDE's loss graph; when that graph is not the reference's, agreement only clears the rules.
  const sameGraph = Buffer.from(toOnnx(program.graphs.loss)).equals(Buffer.from(toOnnx(refProgram.graphs.loss)));
  return {
    kind: 'gradient',
    node: null,
    compared: err.size,
    message: bad.length
      ? `${bad.length} adjoints differ but no single node explains it (several rules may be wrong): ${bad.slice(0, 3).map((b) => b.name).join(', ')}`
      : sameGraph
        ? `all ${err.size} edge adjoints of tandem's gradient graph match torch.autograd when onnxruntime executes it, so no gradient rule is wrong; the difference comes from the backend's execution of the gradient graph`
        : `all ${err.size} edge adjoints match torch.autograd on the backend's own loss graph, so no gradient rule is wrong; but that loss graph is not the reference's (see the forward and loss stages), which explains the different gradients`,
    method,
  };
}

interface Edge {
  readonly node: Node;
  readonly input: number;
  readonly value: string;
  readonly producer: string | null;
  readonly probe: string;
  readonly info: ValueInfo;
}

/** The loss graph with a zero probe added on every differentiable edge (see above); outputs unchanged. */
function probeGraph(loss: Graph): { graph: Graph; edges: Edge[] } {
  const producers = loss.producers();
  const varying = new Set(loss.inputs.map((i) => i.name));
  for (const n of loss.nodes) if (n.inputs.some((i) => i && varying.has(i))) for (const o of n.outputs) if (o) varying.add(o);
  const nodes: Node[] = [];
  const values = new Map(loss.values);
  const probeInputs: ValueInfo[] = [];
  const edges: Edge[] = [];
  for (const n of loss.nodes) {
    if (n.op in NON_DIFFERENTIABLE_OPS) {
      nodes.push(n);
      continue;
    }
    const inputs = n.inputs.map((x, i) => {
      if (!x || !varying.has(x) || !isFloat(loss.value(x).dtype)) return x;
      const info = loss.value(x);
      const probe = `probe:${n.name}:${i}`;
      const probed = `${x}+probe:${n.name}:${i}`;
      probeInputs.push({ name: probe, dtype: info.dtype, shape: info.shape });
      values.set(probe, { name: probe, dtype: info.dtype, shape: info.shape });
      values.set(probed, { name: probed, dtype: info.dtype, shape: info.shape });
      nodes.push({ name: `probe-add:${n.name}:${i}`, op: 'Add', inputs: [x, probe], outputs: [probed], attrs: {} });
      edges.push({ node: n, input: i, value: x, producer: producers.get(x)?.name ?? null, probe, info });
      return probed;
    });
    nodes.push({ ...n, inputs });
  }
  return { graph: new Graph(`${loss.name}.probed`, [...loss.inputs, ...probeInputs], loss.outputs, loss.initializers, nodes, values), edges };
}

function unavailable(why: string, method: string): FirstDivergence {
  return { kind: 'gradient', node: null, compared: 0, message: `gradient localization unavailable: ${why}`, method };
}
