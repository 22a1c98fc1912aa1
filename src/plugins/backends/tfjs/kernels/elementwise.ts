import * as tf from '@tensorflow/tfjs';
import { broadcastTo } from './broadcast.ts';
import { isFloat } from '../../../../graph/dtype.ts';
import type { Kernel, KernelContext } from './kernel.ts';

/**
 * tfjs-backend-wasm 4.22 runs Add, Sub, Mul and Div through XNNPACK, which takes at most 6 dimensions: above
 * that its setup fails (status 4, printed, not thrown) and the result is garbage. An elementwise kernel whose
 * output has more axes runs on its operands broadcast to the output's static shape and flattened (gradient
 * graphs reach rank 8 in MaxPool's rule). Comparisons, Where and the unary math kernels are not affected.
 */
const XNN_MAX_RANK = 6;
export function withinXnnRank(c: KernelContext, xs: readonly tf.Tensor[], f: (...xs: tf.Tensor[]) => tf.Tensor): tf.Tensor {
  const shape = [...c.outputInfo(0).shape];
  if (shape.length <= XNN_MAX_RANK) return f(...xs);
  return f(...xs.map((t) => tf.broadcastTo(t, shape).reshape([-1]))).reshape(shape);
}

const unary = (f: (x: tf.Tensor, c: KernelContext) => tf.Tensor): Kernel => (c) => [f(c.input(0), c)];
const binary = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): Kernel => (c) => [withinXnnRank(c, [c.input(0), c.input(1)], f)];

/** ONNX integer Div truncates toward zero (C semantics); tfjs int32 div floors. Exact while |values| < 2^24. */
function div(c: KernelContext): tf.Tensor[] {
  const [a, b] = [c.input(0), c.input(1)];
  if (isFloat(c.inputInfo(0)!.dtype)) return [withinXnnRank(c, [a, b], tf.div)];
  const q = tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32'));
  return [tf.cast(tf.mul(tf.sign(q), tf.floor(tf.abs(q))), 'int32')];
}

/** ONNX Pow lets the exponent be an integer tensor; tfjs wants both operands float. */
function pow(c: KernelContext): tf.Tensor[] {
  return [tf.pow(c.input(0), tf.cast(c.input(1), 'float32'))];
}

/** Max/Min are variadic and broadcasting; a single input is returned as a new handle (values are disposed by name). */
function variadic(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): Kernel {
  return (c) => {
    const xs = c.node.inputs.map((_, k) => c.input(k));
    return [xs.length === 1 ? xs[0].clone() : xs.reduce((acc, x) => f(acc, x))];
  };
}

/**
 * tfjs `where` broadcasts only partly, so all three operands are broadcast to the output's static shape first.
 * wasm's Select with bool operands corrupts the heap (the output comes back as the first operand and a later
 * kernel aborts), so bool values are selected as int32.
 */
function where(c: KernelContext): tf.Tensor[] {
  const shape = [...c.outputInfo(0).shape];
  const [cond, a, b] = [0, 1, 2].map((k) => broadcastTo(c.input(k), shape));
  if (a.dtype !== 'bool') return [tf.where(cond, a, b)];
  return [tf.cast(tf.where(cond, tf.cast(a, 'int32'), tf.cast(b, 'int32')), 'bool')];
}

export const elementwiseKernels: Record<string, Kernel> = {
  Add: binary(tf.add),
  Sub: binary(tf.sub),
  Mul: binary(tf.mul),
  Div: div,
  Pow: pow,
  Neg: unary(tf.neg),
  Abs: unary(tf.abs),
  Sqrt: unary(tf.sqrt),
  Exp: unary(tf.exp),
  Log: unary(tf.log),
  Sin: unary(tf.sin),
  Cos: unary(tf.cos),
  Tanh: unary(tf.tanh),
  Sigmoid: unary(tf.sigmoid),
  Relu: unary(tf.relu),
  LeakyRelu: unary((x, c) => tf.leakyRelu(x, c.attrs.alpha as number)),
  Erf: unary(tf.erf),
  Softplus: unary(tf.softplus),
  Identity: unary((x) => x.clone()),
  Max: variadic(tf.maximum),
  Min: variadic(tf.minimum),
  Greater: binary(tf.greater),
  Less: binary(tf.less),
  Equal: binary(tf.equal),
  Where: where,
};
