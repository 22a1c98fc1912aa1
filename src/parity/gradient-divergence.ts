import { toOnnx } from '../graph/onnx/to-onnx.ts';
import type { BatchFeed, GraphExecutor } from '../contracts/backend.ts';
import type { TrainingProgram } from '../train/program.ts';
import { runProbes, type ProbeResult } from './adjoint-probes.ts';
import { LocalizationUnavailable } from './errors.ts';
import { derivativePlan, firstOrderPlans, lossPlan, outsideDerivatives, sharedPlan } from './probe-plans.ts';
import type { ReferenceRun } from '../contracts/reference.ts';
import type { FirstDivergence, Tolerance } from './report.ts';
import { roundingNote, severityOf } from './severity.ts';

const METHOD = 'adjoint probes: tandem autodiff (side rules) on onnxruntime vs torch.autograd';

/**
 * Gradient first-divergence by adjoint probes (adjoint-probes.ts; which graphs are probed: probe-plans.ts).
 * Walking from the target backwards, the first node whose output adjoints match torch while an input adjoint
 * does not is reported: its gradient rule is wrong. When every probed edge agrees, no probed rule is wrong and
 * the message says where the divergence must then lie.
 *
 * `divergingDerivatives`: the input derivatives (PINN terms) the gradients stage found outside tolerance.
 */
export async function firstGradientDivergence(
  program: TrainingProgram,
  refProgram: TrainingProgram,
  reference: ReferenceRun,
  localizer: GraphExecutor,
  batch: BatchFeed,
  tolerance: Tolerance,
  divergingDerivatives: readonly string[] = [],
): Promise<FirstDivergence> {
  if (!reference.autograd) return unavailable('the reference cannot differentiate graphs');
  try {
    return program.derivatives.length ? await withDerivatives(program, reference, localizer, batch, tolerance, divergingDerivatives) : await plain(program, refProgram, reference, localizer, batch, tolerance);
  } catch (e) {
    if (e instanceof LocalizationUnavailable) return unavailable(e.message);
    throw e;
  }
}

async function plain(program: TrainingProgram, refProgram: TrainingProgram, reference: ReferenceRun, localizer: GraphExecutor, batch: BatchFeed, tolerance: Tolerance): Promise<FirstDivergence> {
  const r = await runProbes(lossPlan(program, batch), program.spec.rules, reference, localizer, tolerance);
  if (r.culprit) return blame(program, r, '');
  const bad = [...r.errors.values()].filter((v) => !v.withinTolerance);
  // Both sides differentiated the SIDE's loss graph; when that graph is not the reference's, agreement only clears the rules.
  const sameGraph = Buffer.from(toOnnx(program.graphs.loss)).equals(Buffer.from(toOnnx(refProgram.graphs.loss)));
  return none(
    r.errors.size,
    bad.length
      ? `${bad.length} adjoints differ but no single node explains it (several rules may be wrong): ${bad.slice(0, 3).map((b) => b.name).join(', ')}`
      : sameGraph
        ? `all ${r.errors.size} edge adjoints of tandem's gradient graph match torch.autograd when onnxruntime executes it, so no gradient rule is wrong; the difference comes from the backend's execution of the gradient graph`
        : `all ${r.errors.size} edge adjoints match torch.autograd on the backend's own loss graph, so no gradient rule is wrong; but that loss graph is not the reference's (see the forward and loss stages), which explains the different gradients`,
  );
}

/**
 * A PINN loss (probe-plans.ts says what can be probed, and why it is sound). A wrong input derivative is
 * localized first, on the graph computing it: everything downstream of it differs because of it. With
 * matching derivatives, every node torch also has is probed, the derivatives rebuilt over the probes.
 */
async function withDerivatives(program: TrainingProgram, reference: ReferenceRun, localizer: GraphExecutor, batch: BatchFeed, tolerance: Tolerance, diverging: readonly string[]): Promise<FirstDivergence> {
  const wrong = program.derivatives.filter((t) => diverging.includes(t.name));
  const names = wrong.map((t) => `"${t.name}"`).join(', ');
  // Higher-order terms are built on first-order ones whose own values the loss may not keep (u_xx from u_x):
  // every first-order plan is probed, since its graph is where a rule's first-order VJP can be checked.
  const firstOrder = wrong.length ? firstOrderPlans(program) : [];
  let compared = 0;
  for (const term of firstOrder) {
    const r = await runProbes(derivativePlan(program, batch, term), program.spec.rules, reference, localizer, tolerance);
    compared += r.errors.size;
    if (!r.culprit) continue;
    const seed = term.seed ? 'seed·' : '';
    const what = `"${term.name}" (∂Σ${seed}${term.of}/∂${term.wrt})`;
    return blame(program, r, `the input derivatives ${names} differ from torch.autograd's; probing the graph of the first-order derivative ${what}, with Σ${seed}${term.of} as the target: `);
  }
  if (wrong.length) {
    const cleared = firstOrder.length
      ? `all ${compared} edge adjoints of the graphs computing the first-order derivatives (${firstOrder.map((t) => `"${t.name}"`).join(', ')}) match torch.autograd, so every rule's first-order VJP there is right; `
      : '';
    return none(
      compared,
      `the input derivatives ${names} differ from torch.autograd's; ${cleared}the difference lies inside the derivative subgraphs (the rules' second-order use: the derivatives of backward nodes, e.g. the ops a rule emits) or in the backend's execution of them, which adjoint probes do not localize, since torch has no nodes for them`,
    );
  }
  const r = await runProbes(sharedPlan(program, batch), program.spec.rules, reference, localizer, tolerance);
  if (r.culprit) {
    const inside = !outsideDerivatives(program).has(r.culprit.node.name);
    // Inside the derivatives' reach the adjoints include second-order paths through the node's rule (probe-plans.ts).
    const note = inside ? ` It feeds the input derivatives, so the culprit may also be the rule of an op its rule emits for them (second-order use).` : '';
    return blame(program, r, 'the input derivatives match torch.autograd; probing every node torch also has, with the derivatives rebuilt over the probes: ', note);
  }
  const bad = [...r.errors.values()].filter((v) => !v.withinTolerance);
  return none(
    r.errors.size,
    bad.length
      ? `${bad.length} adjoints differ but no single node explains it (several rules may be wrong): ${bad.slice(0, 3).map((b) => b.name).join(', ')}`
      : `the input derivatives match torch.autograd, and all ${r.errors.size} edge adjoints of the nodes torch also has match (tandem's derivative subgraphs rebuilt over the probes, run on onnxruntime), so no gradient rule is wrong; the difference comes from the backend's execution of the gradient graph`,
  );
}

/** The record naming the culprit node of a probe run; `context` says which graph was probed. */
function blame(program: TrainingProgram, r: ProbeResult, context: string, note = ''): FirstDivergence {
  const { node, diverging, upstream, clearedInFloat64 } = r.culprit!;
  const severity = severityOf(diverging, program.spec.dtype);
  if (clearedInFloat64) {
    return {
      kind: 'gradient',
      node: null,
      compared: r.errors.size,
      message:
        context +
        `node "${node.name}" (${node.op}) is where the float32 adjoints first differ from torch's, but its gradient rule is cleared: tandem's gradient graph run in float64 gives torch.autograd's float64 adjoints there (max abs ${clearedInFloat64.maxAbs.toPrecision(3)}). ` +
        `The difference comes from the float32 values the rule reads, not the rule: e.g. an input within float32 error of a ReLU or max kink, where one side's mask flips.`,
      method: METHOD,
    };
  }
  const reaching = upstream.length ? ` (${upstream.map((o) => `${o.name} max abs ${o.maxAbs}`).join(', ')})` : ' (it produces the target)';
  const returned = diverging.map((d) => `${d.name} max abs ${d.maxAbs}, rel L2 ${d.relL2}`).join('; ');
  return {
    kind: 'gradient',
    node: { name: node.name, op: node.op, diverging, upstream, severity },
    compared: r.errors.size,
    message:
      context +
      (severity === 'significant'
        ? `the gradient rule of node "${node.name}" (${node.op}) is wrong: the adjoints reaching it match torch${reaching}, but the ones it returns do not: ${returned}. Check src/autodiff/rules/${node.op}.ts.${note}`
        : `node "${node.name}" (${node.op}) is where the gradients first leave the tolerance: the adjoints reaching it match torch${reaching}, the ones it returns differ slightly: ${returned}; ${roundingNote(program.spec.dtype, 'gradients')}.`),
    method: METHOD,
  };
}

function none(compared: number, message: string): FirstDivergence {
  return { kind: 'gradient', node: null, compared, message, method: METHOD };
}

function unavailable(why: string): FirstDivergence {
  return { kind: 'gradient', node: null, compared: 0, message: `gradient localization unavailable: ${why}`, method: METHOD };
}
