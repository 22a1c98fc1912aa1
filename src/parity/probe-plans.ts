import type { Node } from '../graph/ir.ts';
import { GraphBuilder } from '../graph/builder.ts';
import type { BatchFeed } from '../contracts/backend.ts';
import { cutDerivatives } from '../contracts/derivative-terms.ts';
import type { DerivativeRecord } from '../train/loss-scope.ts';
import { LOSS_OUTPUT, type TrainingProgram } from '../train/program.ts';
import { selectOutputs } from '../train/select-outputs.ts';
import { probePlan, type ProbePlan } from './adjoint-probes.ts';
import { fillHoles } from './fill-holes.ts';
import { initialFeeds } from './side-graph.ts';

/**
 * Which graphs gradient localization probes (specs/parity.md "First-divergence localization"). The same
 * functions build them at parity time and when a baseline is recorded, so a recorded baseline holds torch's
 * adjoints for exactly the graphs a later parity run asks about.
 *
 * A loss without input derivatives: one plan, every edge of the loss graph.
 *
 * A PINN loss: tandem computes u_x, u_xx with its own backward nodes, torch fills them as holes by autograd,
 * so only edges both sides have can be probed, and a probe must mean the same on both:
 * - per FIRST-ORDER input derivative d = ∂Σ(seed·of)/∂wrt, the graph computing `of` (forward nodes only), with
 *   Σ(seed·of) as the target: d is itself this target's adjoint at `wrt`, so a wrong d is localized to the rule
 *   that turned matching adjoints into wrong ones (`derivativePlan`). Used when a derivative differs: then
 *   every value downstream of it differs too, and the loss is no use as a target.
 * - with matching derivatives, every edge of every node torch also has (the cut graph's: model, residual,
 *   boundary and data terms), with the loss as the target (`sharedPlan`). torch.autograd computes the holes
 *   from the probed graph, so a probe on a model edge also moves the derivatives; tandem's side gets the same
 *   by rebuilding its derivative subgraphs over the probed graph (fill-holes.ts) instead of using the loss
 *   graph's, whose backward nodes read the unprobed values. Inside the derivatives' reach (model nodes) an
 *   adjoint then includes second-order paths: a node blamed there has a wrong rule or emits, in its rule, ops
 *   whose own rules are wrong (`outsideDerivatives` tells the two regions apart for the message).
 * Derivative subgraphs themselves are not probed: torch has no nodes for them.
 */
export function lossPlan(program: TrainingProgram, batch: BatchFeed): ProbePlan {
  return probePlan(program.graphs.loss, LOSS_OUTPUT, initialFeeds(program, batch));
}

/** The plan over every node torch also has, derivatives rebuilt over the probes (see above); PINN losses only. */
export function sharedPlan(program: TrainingProgram, batch: BatchFeed): ProbePlan {
  const terms = program.derivatives;
  const kept = new Set(cutDerivatives(program.graphs.loss, terms).nodes.map((n) => n.name));
  const plan = probePlan(program.graphs.loss, LOSS_OUTPUT, initialFeeds(program, batch), (n) => kept.has(n.name), terms, (g) => cutDerivatives(g, terms));
  return { ...plan, ours: fillHoles(plan.ref, terms, program.spec.rules) };
}

/** The nodes outside the derivatives' reach: their output feeds no term's `of` or `wrt` (residual, boundary, data terms). */
export function outsideDerivatives(program: TrainingProgram): Set<string> {
  const terms = program.derivatives;
  const cut = cutDerivatives(program.graphs.loss, terms);
  const reached = new Set(terms.flatMap((t) => [t.of, t.wrt]));
  for (let i = cut.nodes.length - 1; i >= 0; i--) {
    const n = cut.nodes[i];
    if (n.outputs.some((o) => reached.has(o))) for (const x of n.inputs) if (x) reached.add(x);
  }
  return new Set(cut.nodes.filter((n: Node) => !n.outputs.some((o) => reached.has(o))).map((n) => n.name));
}

/** Whether `term` differentiates forward values only (its `of` does not depend on another derivative). */
export function isFirstOrder(program: TrainingProgram, term: DerivativeRecord): boolean {
  const holes = new Set(program.derivatives.map((t) => t.name));
  const cut = cutDerivatives(program.graphs.loss, program.derivatives);
  const fromHoles = new Set(holes);
  for (const n of cut.nodes) if (n.inputs.some((x) => x && fromHoles.has(x))) for (const o of n.outputs) if (o) fromHoles.add(o);
  return !fromHoles.has(term.of);
}

/** The plan localizing a wrong first-order input derivative (see above). */
export function derivativePlan(program: TrainingProgram, batch: BatchFeed, term: DerivativeRecord): ProbePlan {
  const loss = program.graphs.loss;
  // Named by `of` alone: terms differing only in `wrt` (u_x, u_y) share one plan (and one recording).
  const b = GraphBuilder.extend(selectOutputs(loss, [term.of], `${loss.name}.derivatives-of.${term.of}`));
  const of = b.value(term.of);
  const target = b.output(b.reduceSum(term.seed ? b.mul(of, b.constant(term.seed)) : of, undefined, false), 'probe-target');
  return probePlan(b.build(), target.name, initialFeeds(program, batch));
}

/**
 * The first-order terms with distinct plans (`of` and seed; `wrt` does not change the plan), in program order:
 * the ones gradient localization probes when input derivatives differ.
 */
export function firstOrderPlans(program: TrainingProgram): DerivativeRecord[] {
  const seen = new Set<string>();
  return program.derivatives.filter((t) => {
    const key = JSON.stringify([t.of, t.seed ? Array.from(t.seed.data as ArrayLike<number>) : null]);
    if (seen.has(key) || !isFirstOrder(program, t) || !program.graphs.loss.values.has(t.of)) return false;
    seen.add(key);
    return true;
  });
}

/** Every plan localization may run for `program` (what a baseline records torch's adjoints for). */
export function allPlans(program: TrainingProgram, batch: BatchFeed): ProbePlan[] {
  if (program.derivatives.length === 0) return [lossPlan(program, batch)];
  return [sharedPlan(program, batch), ...firstOrderPlans(program).map((t) => derivativePlan(program, batch, t))];
}
