import type { DType } from './dtype.ts';
import type { AttrValue } from './ir.ts';
import type { Shape, Tensor } from './tensor.ts';

export type AttrType = 'int' | 'float' | 'ints' | 'floats' | 'string' | 'strings' | 'tensor';

export interface AttrSpec {
  readonly type: AttrType;
  /** Used when the node omits the attribute. Without a default and with `required`, omission is an error. */
  readonly default?: AttrValue;
  readonly required?: boolean;
}

/** What shape inference sees of one input: its type, and its value when it is a constant (shape and axes inputs). */
export interface InferInput {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly constValue?: Tensor;
}

export interface InferredOutput {
  readonly dtype: DType;
  readonly shape: Shape;
}

/**
 * One ONNX operator as tandem knows it (opset 17): arity, typed attributes with defaults, and static
 * shape/dtype inference. Inference throws `InferError`; the graph builder adds the node's name.
 */
export interface OpDef {
  readonly op: string;
  /** Minimum and maximum number of inputs (optional trailing inputs may be ''). */
  readonly arity: readonly [min: number, max: number];
  /** Number of outputs (default 1). */
  readonly outputs?: number;
  readonly attrs: Readonly<Record<string, AttrSpec>>;
  /**
   * The oldest ONNX opset whose definition of this op means the same as opset 17 for tandem's dtypes
   * (later versions only added types). The ONNX reader accepts a model of opset v ≥ since; default 17.
   */
  readonly since?: number;
  /**
   * Input positions read as constants during inference (shapes, axes, pads, slice bounds): the value must
   * come from an initializer or a Constant node. The ONNX reader can bind graph inputs there as constants.
   */
  readonly constInputs?: readonly number[];
  /** Dtypes the op accepts on its first input; absent means any. */
  readonly dtypes?: readonly DType[];
  /** `outputCount` is how many outputs the node has, for ops whose output count sets their shapes (Split). */
  infer(inputs: readonly (InferInput | undefined)[], attrs: Readonly<Record<string, AttrValue>>, outputCount?: number): InferredOutput[];
}

/** Thrown by shape inference without knowing the node's name; the builder wraps it into a GraphError. */
export class InferError extends Error {}
