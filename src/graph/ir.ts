import type { DType } from './dtype.ts';
import { GraphError } from './errors.ts';
import type { Shape, Tensor } from './tensor.ts';

/** A value's static type. Shapes are fully static: tandem compiles one graph per batch shape. */
export interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

export type AttrValue = number | string | readonly number[] | readonly string[] | Tensor;

export interface Node {
  readonly name: string;
  readonly op: string;
  /** Value names; '' marks an omitted optional input, as in ONNX. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** For nodes made by autodiff: the forward node whose rule emitted it, so errors can point back to the model. */
  readonly origin?: string;
}

/**
 * A typed ONNX-style graph. Nodes are kept in topological order; initializers are constants (not inputs),
 * so trainable parameters are ordinary graph inputs that the executor feeds each step.
 */
export class Graph {
  constructor(
    readonly name: string,
    readonly inputs: readonly ValueInfo[],
    readonly outputs: readonly ValueInfo[],
    readonly initializers: ReadonlyMap<string, Tensor>,
    readonly nodes: readonly Node[],
    /** Type of every value: inputs, initializers and node outputs. */
    readonly values: ReadonlyMap<string, ValueInfo>,
  ) {}

  value(name: string): ValueInfo {
    const v = this.values.get(name);
    if (!v) throw new GraphError(name, 'value', `no value named "${name}" in graph "${this.name}"`);
    return v;
  }

  /** The node producing each value (graph inputs and initializers have none). */
  producers(): Map<string, Node> {
    const m = new Map<string, Node>();
    for (const n of this.nodes) for (const o of n.outputs) if (o) m.set(o, n);
    return m;
  }

  /** Consumers of each value, in node order. */
  consumers(): Map<string, Node[]> {
    const m = new Map<string, Node[]>();
    for (const n of this.nodes) {
      for (const i of n.inputs) {
        if (!i) continue;
        const list = m.get(i) ?? [];
        list.push(n);
        m.set(i, list);
      }
    }
    return m;
  }
}
