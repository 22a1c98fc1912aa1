import type { GraphBuilder, Value } from '../graph/builder.ts';
import type { AttrValue, Node } from '../graph/ir.ts';

/**
 * What a gradient rule sees of one forward node. Everything it emits goes through `b`, the builder that
 * extends the forward graph, so a rule can only speak in forward ops: any executor of forward ops runs the
 * gradient, and applying the transform again to the result gives higher derivatives.
 */
export interface GradContext {
  readonly b: GraphBuilder;
  readonly node: Node;
  /** Forward inputs in node order; null where the node omits an optional input. */
  readonly x: readonly (Value | null)[];
  /** Forward outputs in node order. */
  readonly y: readonly Value[];
  /** Gradient arriving at each output (already summed over fan-out); null where none flows. */
  readonly dy: readonly (Value | null)[];
  /** The gradient of output 0, for the common single-output case (throws, naming the node, when none flows). */
  readonly g: Value;
  /** An attribute with the op definition's default applied. */
  attr<T extends AttrValue>(name: string): T;
  /** A rank-0 constant in the dtype of output 0 (the dtype gradients flow in). */
  scalar(v: number): Value;
  /** Throws a GraphError naming the node. */
  fail(detail: string): never;
  /** The value of a constant input (shape, axes, pads), as numbers; throws, naming the node, if it is not constant. */
  ints(inputIndex: number): number[];
}

/**
 * One vector-Jacobian product rule: given the gradient at the node's outputs, the gradient at each of its
 * inputs. The returned array has one entry per node input; null means "no gradient" (integer indices, shape
 * inputs, omitted optionals); trailing entries for optional inputs the node omits must be null. A gradient may keep a broadcast shape: the walker sums it back to the input's
 * shape, so rules never repeat that bookkeeping.
 */
export interface GradRule {
  /** The op this rule differentiates; its file is rules/<op>.ts. */
  readonly op: string;
  grad(ctx: GradContext): (Value | null)[];
}
