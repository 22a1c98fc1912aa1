import type { GraphBuilder, Value } from '../../../graph/builder.ts';
import type { AttrValue } from '../../../graph/ir.ts';
import type { AttrSpec } from '../../../graph/op-def.ts';
import type { Shape, Tensor } from '../../../graph/tensor.ts';
import type { DType } from '../../../graph/dtype.ts';

/** One node of the user's file, its attributes read by the types its op declares. */
export interface ImportNode {
  readonly name: string;
  readonly op: string;
  /** Value names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/** What an import-time op sees of the graph being imported. */
export interface ImportContext {
  readonly g: GraphBuilder;
  /** The program's float dtype: float constants made at import follow it. */
  readonly dtype: DType;
  /** The value's constant, when it is one: folded shape arithmetic, integer initializers, Constant outputs. */
  constant(name: string): Tensor | undefined;
  /** The value as a graph value (a constant becomes an initializer the first time a node needs it). */
  value(name: string): Value;
  type(name: string): { readonly dtype: DType; readonly shape: Shape };
  /** The mask input of `node`, a training-mode Dropout (contracts/dropout-masks.ts): fed anew at every step. */
  dropoutMask(node: ImportNode, shape: Shape, ratio: number): Value;
  /** Refuses input `k` of `node`, which must be known at import, because it is computed from tensor values. */
  refuseComputed(node: ImportNode, k: number, what: string): never;
}

/**
 * An op tandem reads from ONNX files but does not carry in its op set: it is folded to a constant (Shape,
 * ConstantOfShape …) or rewritten into ops of the set (LSTM unrolled, Dropout a product with a fed mask) while importing.
 * `import` returns one result per node output: a constant, or a value of the graph under construction.
 */
export interface ImportOp {
  readonly attrs: Readonly<Record<string, AttrSpec>>;
  /**
   * Inputs the import reads as constants (a Dropout's ratio, ConstantOfShape's shape), as `OpDef.constInputs` are
   * for the ops of the set: a node test feeding them as graph inputs binds them as constants (node-test-reader.ts).
   */
  readonly constInputs?: readonly number[];
  import(ctx: ImportContext, node: ImportNode): (Value | Tensor)[];
}
