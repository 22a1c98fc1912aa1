import type * as tf from '@tensorflow/tfjs';
import type { AttrValue, Node, ValueInfo } from '../../../../graph/ir.ts';

/** What a kernel sees of one node while it runs. Attributes already carry the op definition's defaults. */
export interface KernelContext {
  readonly node: Node;
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** Static type of input k (undefined for an omitted optional input). */
  inputInfo(k: number): ValueInfo | undefined;
  /** Static type of output k: kernels shape their results from it, since tandem graphs have static shapes. */
  outputInfo(k: number): ValueInfo;
  /** Whether the node wants output k (an optional output named ''). */
  wantsOutput(k: number): boolean;
  /** Input k as a tfjs tensor; a missing required input is an error naming the node. */
  input(k: number): tf.Tensor;
  optional(k: number): tf.Tensor | undefined;
  /** The values of a small integer input (shape, axes, pads …), read from the graph's constants when it is one. */
  ints(k: number): number[] | undefined;
  floats(k: number): number[] | undefined;
  /**
   * A tensor built once per compiled graph and kept across executions (DFT bases, pooling divisors). `key` must
   * identify the contents; the interpreter disposes these with the plan.
   */
  cached(key: string, make: () => tf.Tensor): tf.Tensor;
  /** Throws an error naming the node, op and backend. */
  fail(detail: string): never;
}

/** One ONNX op on tfjs: returns one tensor per node output (undefined for an output the node does not want). */
export type Kernel = (ctx: KernelContext) => (tf.Tensor | undefined)[];
