import { GraphError } from './errors.ts';
import type { Graph, Node, ValueInfo } from './ir.ts';
import { inferNode } from './infer-node.ts';
import type { InferInput } from './op-def.ts';
import { constantOf } from './ops/constant.ts';
import { fmtShape, sameShape } from './shape-utils.ts';
import type { Tensor } from './tensor.ts';

/** The parts of a graph that structural validation looks at; the ONNX reader checks these before inferring types. */
export interface GraphStructure {
  readonly name: string;
  readonly inputs: readonly { readonly name: string }[];
  readonly initializers: Iterable<string>;
  readonly nodes: readonly Node[];
  readonly outputs: readonly { readonly name: string }[];
}

/**
 * Checks names and wiring: unique node names, every value defined exactly once, every node input defined,
 * no cycles, nodes in topological order, every graph output produced. Each error names the node or value.
 */
export function validateStructure(g: GraphStructure): void {
  const nodeIndex = new Map<string, number>();
  g.nodes.forEach((n, i) => {
    const prev = nodeIndex.get(n.name);
    if (prev !== undefined) throw new GraphError(n.name, n.op, `the node name is used twice in graph "${g.name}" (nodes #${prev} and #${i}); node names must be unique`);
    nodeIndex.set(n.name, i);
  });
  // Where each value comes from: -1 for graph inputs and initializers, else the producing node's index.
  const source = new Map<string, number>();
  const define = (name: string, by: number, what: string, node?: Node): void => {
    if (source.has(name)) {
      const where = node ? `node "${node.name}" (${node.op})` : what;
      throw new GraphError(node?.name ?? name, node?.op ?? 'value', `value "${name}" is defined twice in graph "${g.name}" (again by ${where}); every value needs one definition`);
    }
    source.set(name, by);
  };
  for (const i of g.inputs) define(i.name, -1, 'a graph input');
  for (const k of g.initializers) define(k, -1, 'an initializer');
  g.nodes.forEach((n, i) => n.outputs.forEach((o) => o && define(o, i, '', n)));

  g.nodes.forEach((n, i) => {
    for (const v of n.inputs) {
      if (!v) continue;
      const src = source.get(v);
      if (src === undefined) {
        throw new GraphError(n.name, n.op, `input "${v}" is undefined: it is no graph input, initializer or node output in graph "${g.name}"`);
      }
      if (src >= i) {
        const cycle = findCycle(g.nodes, source, i);
        if (cycle) throw new GraphError(n.name, n.op, `the graph has a cycle: ${cycle.map((k) => `"${g.nodes[k].name}"`).join(' → ')}`);
        throw new GraphError(n.name, n.op, `input "${v}" is produced later, by node "${g.nodes[src].name}"; nodes must be listed in topological order`);
      }
    }
  });
  for (const o of g.outputs) {
    if (!source.has(o.name)) throw new GraphError(o.name, 'output', `graph output "${o.name}" is not produced by any node, input or initializer of graph "${g.name}"`);
  }
}

/** A cycle through node `start` as node indices (first = last), or undefined when `start` is on none. */
function findCycle(nodes: readonly Node[], source: ReadonlyMap<string, number>, start: number): number[] | undefined {
  const path: number[] = [];
  const seen = new Set<number>();
  const visit = (k: number): boolean => {
    path.push(k);
    for (const v of nodes[k].inputs) {
      const p = v ? source.get(v) : undefined;
      if (p === undefined || p < 0) continue;
      if (p === start) {
        path.push(start);
        return true;
      }
      if (!seen.has(p)) {
        seen.add(p);
        if (visit(p)) return true;
      }
    }
    path.pop();
    return false;
  };
  // Walks against the data flow (node → producers of its inputs), so reverse to read in data-flow order.
  return visit(start) ? path.reverse() : undefined;
}

/** Constant values known statically: initializers and Constant node outputs (what shape inference may read). */
export function constantValues(g: Pick<Graph, 'initializers' | 'nodes'>): Map<string, Tensor> {
  const m = new Map(g.initializers);
  for (const n of g.nodes) if (n.op === 'Constant') m.set(n.outputs[0], constantOf(n.attrs));
  return m;
}

/**
 * Full validation: structure, then every node re-inferred against its op definition, its recorded output
 * types and the graph outputs' declared types. Throws the first problem as a GraphError naming the node.
 */
export function validate(g: Graph): void {
  validateStructure({ ...g, initializers: g.initializers.keys() });
  const consts = constantValues(g);
  const info = (name: string): InferInput => {
    const v = g.value(name);
    const c = consts.get(name);
    return c ? { ...v, constValue: c } : v;
  };
  for (const n of g.nodes) {
    const inferred = inferNode(n.name, n.op, n.inputs.map((i) => (i ? info(i) : undefined)), n.attrs, n.outputs.length);
    n.outputs.forEach((o, k) => {
      if (!o) return;
      const rec = g.values.get(o);
      const inf = inferred[k];
      if (!rec) throw new GraphError(n.name, n.op, `output "${o}" has no recorded type in graph "${g.name}"`);
      if (!inf) throw new GraphError(n.name, n.op, `has ${n.outputs.length} outputs, but ${n.op} produces ${inferred.length}`);
      if (rec.dtype !== inf.dtype || !sameShape(rec.shape, inf.shape)) {
        throw new GraphError(n.name, n.op, `output "${o}" is recorded as ${fmtType(rec)} but the op infers ${fmtType(inf)}`);
      }
    });
  }
  checkOutputTypes(g.outputs, g.values, g.name);
}

/** Declared graph output types must equal the inferred types of the values they name. */
export function checkOutputTypes(outputs: readonly ValueInfo[], values: ReadonlyMap<string, ValueInfo>, graphName: string): void {
  for (const o of outputs) {
    const v = values.get(o.name);
    if (!v) throw new GraphError(o.name, 'output', `graph output "${o.name}" is not a value of graph "${graphName}"`);
    if (v.dtype !== o.dtype || !sameShape(v.shape, o.shape)) {
      throw new GraphError(o.name, 'output', `graph output "${o.name}" is declared ${fmtType(o)} but its value is ${fmtType(v)}`);
    }
  }
}

function fmtType(v: { dtype: string; shape: readonly number[] }): string {
  return `${v.dtype}${fmtShape(v.shape)}`;
}
