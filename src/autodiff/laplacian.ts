import { GraphBuilder } from '../graph/builder.ts';
import type { Graph } from '../graph/ir.ts';
import type { RuleRegistry } from './rule-registry.ts';
import { defaultRules } from './register-all-rules.ts';
import { grad } from './vjp.ts';

export interface LaplacianSpec {
  /** A [N, 1] value: one scalar field value per sample (slice a column first for multi-output nets). */
  readonly of: string;
  /** The [N, D] input the Laplacian is taken over (per sample, over its D coordinates). */
  readonly wrt: string;
  /** Output name of the [N, 1] Laplacian (default `laplacian:<of>`). */
  readonly name?: string;
}

/**
 * Per-sample Laplacian Σ_d ∂²u/∂x_d² of a network whose samples do not interact, by applying `grad` twice:
 * ∇u (seed ones, which for such networks is each sample's own gradient), then for each coordinate d the
 * gradient of column d of ∇u, from which column d is kept. The result is an ordinary graph of forward ops,
 * so a PINN loss on it can be differentiated w.r.t. the parameters (a third pass).
 */
export function laplacian(graph: Graph, spec: LaplacianSpec, rules: RuleRegistry = defaultRules): Graph {
  const x = graph.value(spec.wrt);
  const u = graph.value(spec.of);
  if (x.shape.length !== 2 || u.shape.length !== 2 || u.shape[1] !== 1 || u.shape[0] !== x.shape[0]) {
    throw new Error(`laplacian: "${spec.of}" must be [N, 1] and "${spec.wrt}" [N, D] with the same N; got [${u.shape}] and [${x.shape}]`);
  }
  const tag = `${spec.of}/${spec.wrt}`;
  let g = grad(graph, { of: spec.of, wrt: [spec.wrt], names: [`du:${tag}`] }, rules);
  const dims = x.shape[1];
  for (let d = 0; d < dims; d++) {
    const b = GraphBuilder.extend(g);
    for (const o of g.outputs) b.output(b.value(o.name));
    b.output(column(b, `du:${tag}`, d), `du_${d}:${tag}`);
    g = grad(b.build(), { of: `du_${d}:${tag}`, wrt: [spec.wrt], names: [`d2u_${d}:${tag}`] }, rules);
  }
  const b = GraphBuilder.extend(g);
  const keep = graph.outputs.map((o) => o.name);
  for (const name of keep) b.output(b.value(name));
  const terms = [...Array(dims).keys()].map((d) => column(b, `d2u_${d}:${tag}`, d));
  b.output(terms.reduce((acc, t) => b.add(acc, t)), spec.name ?? `laplacian:${spec.of}`);
  return b.build();
}

function column(b: GraphBuilder, name: string, d: number) {
  return b.op1('Slice', [b.value(name), b.ints([d]), b.ints([d + 1]), b.ints([1])]);
}
