import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { onnx } from '../../src/graph/onnx/generated/onnx.js';
import { fromOnnx } from '../../src/graph/onnx/from-onnx.ts';
import { toOnnx } from '../../src/graph/onnx/to-onnx.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { validate } from '../../src/graph/validate.ts';
import { modelBytes } from './helpers.ts';
import { missingNodeTestData } from '../conformance/node-test-data.ts';
import { ONNX_NODE_TEST_DIR } from '../../src/conformance/onnx-node-suite.ts';

const noData = missingNodeTestData('graph/onnx-io');

function sampleGraph() {
  const b = new GraphBuilder('sample');
  const x = b.input('x', 'float32', [1, 2, 6]);
  const w = b.constant(tensor('float32', [4, 2, 3], Array.from({ length: 24 }, (_, i) => i / 10)), 'w');
  const c = b.conv(x, w, null, { strides: [2], pads: [1, 1] });
  const r = b.resize(c, { scales: [1, 1, 2] }, { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
  const big = b.constant(tensor('int64', [2], [2n ** 62n + 1n, -7n]), 'big');
  const k = b.op1('Constant', [], { value_floats: [0.5, 1.5] });
  b.output(b.reduceMean(r, [2], false), 'y');
  b.output(b.add(big, b.ints([1, 1])), 'ints');
  b.output(k, 'k');
  return b.build();
}

describe('toOnnx / fromOnnx', () => {
  it('writes IR 8 with the default-domain opset 17 and value_info for intermediates', () => {
    const m = onnx.ModelProto.decode(toOnnx(sampleGraph()));
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(m.graph!.valueInfo!.map((v) => v.name)).toContain('Conv_0');
  });

  it('round-trips nodes, typed attributes, initializers (int64 beyond 2^53 included) and value types', () => {
    const g = sampleGraph();
    const back = fromOnnx(toOnnx(g));
    expect(back.nodes.map((n) => [n.name, n.op, n.inputs, n.outputs])).toEqual(g.nodes.map((n) => [n.name, n.op, n.inputs, n.outputs]));
    expect(back.nodes.map((n) => n.attrs)).toEqual(g.nodes.map((n) => n.attrs));
    expect(Object.fromEntries(back.values)).toEqual(Object.fromEntries(g.values));
    expect([...(back.initializers.get('big')!.data as BigInt64Array)]).toEqual([2n ** 62n + 1n, -7n]);
    expect(back.initializers.get('w')!.data).toEqual(g.initializers.get('w')!.data);
    expect(back.outputs).toEqual(g.outputs);
    expect(() => validate(back)).not.toThrow();
  });

  it.skipIf(!!noData)('reads an official ONNX test model (opset 11 Conv, unnamed nodes)', () => {
    const g = fromOnnx(readFileSync(`${ONNX_NODE_TEST_DIR}/test_conv_with_strides_padding/model.onnx`));
    expect(g.nodes.map((n) => [n.name, n.op])).toEqual([['Conv_0', 'Conv']]);
    expect(g.outputs[0]).toEqual({ name: 'y', dtype: 'float32', shape: [1, 1, 4, 3] });
  });

  it.skipIf(!!noData)('binds shape inputs as constants when asked', () => {
    const bytes = readFileSync(`${ONNX_NODE_TEST_DIR}/test_reshape_negative_dim/model.onnx`);
    expect(() => fromOnnx(bytes)).toThrow(/shape input must be a constant/);
    const g = fromOnnx(bytes, { constants: { shape: tensor('int64', [3], [2, -1, 2]) } });
    expect(g.inputs.map((i) => i.name)).toEqual(['data']);
    expect(g.outputs[0].shape).toEqual([2, 6, 2]);
    expect(() => fromOnnx(bytes, { constants: { nope: tensor('int64', [1], [1]) } })).toThrow('graph "reshape_negative_dim" has no such input'.replace('reshape_negative_dim', g.name));
  });

  const x = { name: 'x', dtype: 'float32' as const, shape: [2] };
  it.each([
    ['an op outside the set', [{ name: 'h', opType: 'Hardmax', input: ['x'], output: ['y'] }], 17, /node "h" \(Hardmax\): op "Hardmax" is not in tandem's op set/],
    ['a foreign domain', [{ name: 'f', opType: 'FusedMatMul', domain: 'com.microsoft', input: ['x', 'x'], output: ['y'] }], 17, /node "f" \(FusedMatMul\): domain "com.microsoft" is not supported/],
    ['an attribute of the wrong type', [{ name: 'l', opType: 'LeakyRelu', input: ['x'], output: ['y'], attribute: [{ name: 'alpha', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }], 17, /node "l" \(LeakyRelu\): attribute "alpha" is stored as INT, expected FLOAT/],
    ['an opset where the op meant something else', [{ name: 's', opType: 'Softmax', input: ['x'], output: ['y'] }], 11, /node "s" \(Softmax\): the model imports opset 11, but tandem reads Softmax as defined from opset 13 to 17/],
    ['an opset newer than 17', [{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }], 18, /imports ONNX opset 18; tandem reads opset ≤ 17/],
  ])('refuses %s, naming the node', (_what, nodes, opset, message) => {
    expect(() => fromOnnx(modelBytes({ nodes, inputs: [x], outputs: [{ ...x, name: 'y' }], opset }))).toThrow(message);
  });

  it('refuses symbolic dimensions and unsupported element types, naming the value', () => {
    const sym = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'sym',
        node: [{ name: 'r', opType: 'Relu', input: ['x'], output: ['y'] }],
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }] } } } }],
        output: [{ name: 'y' }],
      },
    }).finish();
    expect(() => fromOnnx(sym)).toThrow('graph input "x": axis 0 is symbolic ("batch"); tandem needs static shapes');
    const f16 = modelBytes({ nodes: [], initializers: [{ name: 'h', dims: [1], dataType: 10, rawData: new Uint8Array(2) }] });
    expect(() => fromOnnx(f16)).toThrow('initializer "h": tensor element type FLOAT16 is not supported');
  });

  it('refuses bytes that are not a model', () => {
    expect(() => fromOnnx(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/not an ONNX ModelProto/);
  });
});
