import { ONNX_DTYPE_CODE } from '../graph/dtype.ts';
import { Graph, type AttrValue, type ValueInfo } from '../graph/ir.ts';
import type { Tensor } from '../graph/tensor.ts';
import type { DerivativeRecord } from '../train/loss-scope.ts';
import { toFloat64 } from './float64-reference.ts';

/**
 * The same graph computing in float64: every float32 value, input, output, initializer and constant attribute
 * becomes float64, and Casts to float32 cast to float64. What the float64 arbiter differentiates when it checks
 * a gradient rule that localization would blame (adjoint-probes.ts): the reference then computes the rule's
 * adjoints on this graph with float64 feeds.
 */
export function toFloat64Graph(graph: Graph): Graph {
  const widen = (v: ValueInfo): ValueInfo => (v.dtype === 'float32' ? { ...v, dtype: 'float64' } : v);
  const values = new Map([...graph.values].map(([k, v]) => [k, widen(v)]));
  const nodes = graph.nodes.map((n) => {
    const attrs: Record<string, AttrValue> = {};
    for (const [k, a] of Object.entries(n.attrs)) attrs[k] = isTensor(a) ? toFloat64(new Map([[k, a]])).get(k)! : a;
    if (n.op === 'Cast' && attrs.to === ONNX_DTYPE_CODE.float32) attrs.to = ONNX_DTYPE_CODE.float64;
    return { ...n, attrs };
  });
  return new Graph(`${graph.name}.float64`, graph.inputs.map(widen), graph.outputs.map(widen), toFloat64(graph.initializers), nodes, values);
}

const isTensor = (a: AttrValue): a is Tensor => typeof a === 'object' && a !== null && 'dtype' in a && 'data' in a;

/** Derivative holes of a graph computing in float64 (toFloat64Graph): their seeds, float32 terms of the program, widened. */
export function toFloat64Derivatives(derivatives: readonly DerivativeRecord[]): DerivativeRecord[] {
  return derivatives.map((d) => (d.seed ? { ...d, seed: toFloat64(new Map([['seed', d.seed]])).get('seed')! } : d));
}
