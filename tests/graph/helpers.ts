import type { DType } from '../../src/graph/dtype.ts';
import { onnx } from '../../src/graph/onnx/generated/onnx.js';
import { valueInfoProto } from '../../src/graph/onnx/to-onnx.ts';

/** A hand-written ModelProto, for reader tests that need models our writer would never produce. */
export function modelBytes(opts: {
  nodes: onnx.INodeProto[];
  inputs?: { name: string; dtype: DType; shape: number[] }[];
  outputs?: { name: string; dtype: DType; shape: number[] }[];
  opset?: number;
  initializers?: onnx.ITensorProto[];
}): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opts.opset ?? 17 }],
    graph: {
      name: 'hand',
      node: opts.nodes,
      input: (opts.inputs ?? []).map(valueInfoProto),
      output: (opts.outputs ?? []).map(valueInfoProto),
      initializer: opts.initializers ?? [],
    },
  }).finish();
}
