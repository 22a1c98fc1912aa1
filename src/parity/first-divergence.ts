import { isFloat } from '../graph/dtype.ts';
import type { Graph } from '../graph/ir.ts';
import type { Tensor } from '../graph/tensor.ts';
import { compareTensors } from './compare-tensors.ts';
import type { FirstDivergence, Tolerance, ValueError } from './report.ts';
import { roundingNote, severityOf } from './severity.ts';

/**
 * Forward first-divergence: given every intermediate value of both sides (same names: the reference executes
 * the same graph), walk the nodes in topological order and stop at the first whose output leaves the
 * tolerance. Every value before it matched, so its inputs are within tolerance and the node itself (its
 * kernel, layout or lowering on the backend) is where the two runs part.
 *
 * Values the reference does not have (a node the backend's graph has and the reference's lacks) cannot be
 * compared; they are named in the message, since an extra node on one side is often the bug itself.
 */
export function firstForwardDivergence(
  graph: Graph,
  actual: ReadonlyMap<string, Tensor>,
  expected: ReadonlyMap<string, Tensor>,
  tolerance: Tolerance,
  method: string,
  /** What it means when every compared value matches (it depends on who executed the `actual` side). */
  allMatch: string,
  /** The stage whose tolerance was used (named in advice). */
  stage: 'forward' | 'loss',
): FirstDivergence {
  const producers = graph.producers();
  const errors = new Map<string, ValueError>();
  const check = (name: string): ValueError | undefined => {
    if (errors.has(name)) return errors.get(name);
    const a = actual.get(name);
    const e = expected.get(name);
    if (!a || !e) return undefined;
    const c = compareTensors(name, 'intermediate', a, e, tolerance);
    const v: ValueError = {
      name,
      producer: producers.get(name)?.name ?? null,
      withinTolerance: c.verdict === 'pass',
      maxAbs: c.metrics?.maxAbs ?? 'NaN',
      relL2: c.metrics?.relL2 ?? 'NaN',
    };
    errors.set(name, v);
    return v;
  };
  const unmatched: string[] = [];
  for (const node of graph.nodes) {
    const outs = node.outputs.filter((o) => o && isFloat(graph.value(o).dtype));
    const compared = outs.map(check).filter((v): v is ValueError => v !== undefined);
    if (outs.length && compared.length === 0) unmatched.push(`${node.name} (${node.op})`);
    const diverging = compared.filter((v) => !v.withinTolerance);
    if (diverging.length === 0) continue;
    const upstream = node.inputs.filter((i) => i && producers.has(i)).map(check).filter((v): v is ValueError => v !== undefined);
    const fed = node.inputs.filter((i) => i && !producers.has(i));
    const foreign = node.inputs.filter((i) => i && producers.has(i) && !expected.has(i));
    const parts = [
      `node "${node.name}" (${node.op}) is the first whose output leaves the tolerance (rtol ${tolerance.rtol}, atol ${tolerance.atol}): ${diverging.map((d) => `${d.name} max abs ${d.maxAbs}`).join(', ')}`,
      upstream.length ? `its computed inputs match: ${upstream.map((u) => `${u.name} (max abs ${u.maxAbs})`).join(', ')}` : '',
      fed.length ? `fed inputs (identical on both sides): ${fed.join(', ')}` : '',
    ].filter(Boolean);
    const unmatchedInputs = foreign.map((f) => ({ name: f, producer: producers.get(f)!.name, op: producers.get(f)!.op }));
    const severity = severityOf(diverging, graph.value(diverging[0].name).dtype);
    if (severity === 'rounding' && unmatchedInputs.length === 0) parts.push(roundingNote(graph.value(diverging[0].name).dtype, stage));
    if (unmatchedInputs.length) {
      parts.unshift(
        `the backend's graph differs from the reference's here: ${unmatchedInputs.map((u) => `node "${u.producer}" (${u.op})`).join(', ')} has no counterpart in the reference graph and feeds the first diverging node`,
      );
    }
    return {
      kind: 'forward',
      node: { name: node.name, op: node.op, ...(node.origin ? { origin: node.origin } : {}), diverging, upstream, ...(unmatchedInputs.length ? { unmatchedInputs } : {}), severity },
      compared: errors.size,
      message: `${parts.join('; ')}.`,
      method,
    };
  }
  return {
    kind: 'forward',
    node: null,
    compared: errors.size,
    message: `all ${errors.size} intermediate values match within rtol ${tolerance.rtol}, atol ${tolerance.atol}${unmatched.length ? `; not comparable (no reference counterpart): ${unmatched.join(', ')}` : ''}: ${allMatch}`,
    method,
  };
}

/** Every float value a node of `graph` computes, in topological order (what localization asks both sides for). */
export function intermediateNames(graph: Graph): string[] {
  return graph.nodes.flatMap((n) => n.outputs.filter((o) => o && isFloat(graph.value(o).dtype)));
}
