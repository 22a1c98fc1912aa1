import type { Graph, Node } from '../ir.ts';
import { resolveWindow } from '../ops/window.ts';
import { tensor } from '../tensor.ts';
import type { Expansion } from './opset17-expansions.ts';
import { onnx } from './generated/onnx.js';
import { toTensorProto } from './tensor-proto.ts';

/**
 * A ceil_mode MaxPool or AveragePool whose last window would start in the end padding: onnxruntime's kernel drops
 * that window (as torch does, and tandem's shape rule), but the ONNX shape inference of opset 17, which
 * onnxruntime runs when it loads a model, keeps it, so any node that combines the output with a tensor of the
 * true shape fails to load ("Incompatible dimensions"). The pool's outputs are written under `<output>/ceil` and
 * sliced to the true shape: a no-op at run time that makes the inferred shape the true one. Undefined for every
 * other pool, which is written as it is.
 */
export function clippedCeilPool(n: Node, graph: Graph, attribute: onnx.IAttributeProto[]): Expansion | undefined {
  if ((n.op !== 'MaxPool' && n.op !== 'AveragePool') || n.attrs.ceil_mode !== 1) return undefined;
  const spatial = graph.value(n.inputs[0]).shape.slice(2);
  const kernel = n.attrs.kernel_shape as number[];
  const win = resolveWindow(spatial, kernel, n.attrs, true);
  const k = spatial.length;
  const inferred = spatial.map((d, i) => Math.ceil((d + win.pads[i] + win.pads[i + k] - ((kernel[i] - 1) * win.dilations[i] + 1)) / win.strides[i]) + 1);
  if (inferred.every((d, i) => d === win.out[i])) return undefined;
  const step = (what: string) => `${n.name}/${what}`;
  const outputs = n.outputs.map((o) => (o ? `${o}/ceil` : o));
  const slices = n.outputs.filter((o) => o).map((o): onnx.INodeProto => ({
    name: `${n.name}/clip_${o}`,
    opType: 'Slice',
    domain: '',
    input: [`${o}/ceil`, step('starts'), step('ends'), step('axes')],
    output: [o],
    attribute: [],
  }));
  const ints = (name: string, values: number[]) => toTensorProto(tensor('int64', [values.length], values), step(name));
  return {
    nodes: [{ name: n.name, opType: n.op, domain: '', input: [...n.inputs], output: outputs, attribute }, ...slices],
    initializers: [ints('starts', spatial.map(() => 0)), ints('ends', win.out), ints('axes', spatial.map((_, i) => i + 2))],
  };
}
