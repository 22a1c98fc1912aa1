import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import '../../../src/graph/ops/index.ts';
import { registerOp } from '../../../src/graph/op-registry.ts';
import { tensor } from '../../../src/graph/tensor.ts';
import { CompiledGraph, execute } from '../../../src/plugins/backends/tfjs/interpreter.ts';
import { stridedSlice } from '../../../src/plugins/backends/tfjs/kernels/strided-slice.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';

/** x [4, 3] → tanh(x·W + b) → softmax, with a DFT and a pool on the side: enough kinds of kernel to leak if any did. */
function smallGraph() {
  const b = new GraphBuilder('small');
  const x = b.input('x', 'float32', [4, 3]);
  const w = b.constant(tensor('float32', [3, 5], Array.from({ length: 15 }, (_, i) => Math.sin(i))));
  const h = b.tanh(b.add(b.matmul(x, w), b.scalar(0.1)));
  b.output(b.op1('Softmax', [h], { axis: -1 }), 'p');
  const spectrum = b.op1('DFT', [b.op1('Unsqueeze', [h, b.ints([-1])])], { axis: 1 });
  b.output(b.op1('MaxPool', [spectrum], { kernel_shape: [2] }, { outputs: 1 }), 'pooled');
  return b.build();
}

const feed = (k: number) => ({ x: tensor('float32', [4, 3], Array.from({ length: 12 }, (_, i) => Math.cos(i + k))) });

describe('tfjs interpreter', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  it('leaks no tensor over many executions: the count is flat between runs and back to the start after dispose', () => {
    const before = tf.memory().numTensors;
    const compiled = CompiledGraph.compile(smallGraph());
    compiled.execute(feed(0));
    const warm = tf.memory().numTensors; // constants uploaded once and kept
    for (let k = 1; k <= 50; k++) compiled.execute(feed(k));
    expect(tf.memory().numTensors).toBe(warm);
    // run() hands tensors to the caller: exactly the outputs, nothing else.
    const out = compiled.run(feed(1), ['Tanh_0', 'p']); // 'p' is an output already: asked twice, returned once
    expect(tf.memory().numTensors).toBe(warm + 3);
    for (const t of Object.values(out)) t.dispose();
    compiled.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees everything when a node fails midway', () => {
    const b = new GraphBuilder('fails');
    const x = b.input('x', 'int64', [2]);
    b.output(b.neg(b.neg(x)), 'y');
    const compiled = CompiledGraph.compile(b.build());
    const before = tf.memory().numTensors;
    expect(() => compiled.execute({ x: tensor('int64', [2], [1n, 1n << 40n]) })).toThrow('outside tfjs\'s int32 range');
    expect(tf.memory().numTensors).toBe(before);
    compiled.dispose();
  });

  it('returns intermediate values by name (extraOutputs) with the declared dtype', () => {
    const out = execute(smallGraph(), feed(0), { extraOutputs: ['Tanh_0'] });
    expect(Object.keys(out).sort()).toEqual(['Tanh_0', 'p', 'pooled']);
    expect(out.Tanh_0.shape).toEqual([4, 5]);
    expect(Math.max(...Array.from(out.Tanh_0.data as Float32Array, Math.abs))).toBeLessThan(1);
  });

  it('refuses float64 graphs up front, naming the value and what to do', () => {
    const b = new GraphBuilder('f64');
    b.output(b.exp(b.input('x', 'float64', [2])), 'y');
    expect(() => CompiledGraph.compile(b.build())).toThrow('graph "f64": value "x" is float64, but TensorFlow.js has no float64 type. Use dtype float32 with backend=tfjs, or run float64 on backend=onnxruntime');
  });

  it('an op without a tfjs kernel is an error naming the op, the node and the backend', () => {
    registerOp({ op: 'Det', arity: [1, 1], attrs: {}, infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape.slice(0, -2) }] });
    const b = new GraphBuilder('det');
    b.output(b.op1('Det', [b.input('m', 'float32', [3, 3])], {}, { name: 'determinant' }), 'd');
    expect(() => CompiledGraph.compile(b.build())).toThrow('node "determinant" (Det): the tfjs backend has no kernel for op "Det"; run this graph on backend=onnxruntime');
  });

  it('feeds are checked against the graph inputs by name, dtype and shape', () => {
    const g = smallGraph();
    expect(() => execute(g, {})).toThrow('graph "small": no feed for input "x" (float32[4, 3])');
    expect(() => execute(g, { x: tensor('float32', [3, 4]) })).toThrow('input "x" is float32[4, 3] but the feed is float32[3, 4]');
    expect(() => execute(g, { ...feed(0), y: tensor('float32', [1]) })).toThrow('feeds "y" are not graph inputs');
  });

  // Regression: tfjs-backend-wasm 4.22's StridedSlice with a stride > 1 returns an int32 tensor's bits as float32.
  it('strided slices of int32 tensors keep their values on wasm', () => {
    const x = tf.tensor4d(Array.from({ length: 25 }, (_, i) => i), [1, 5, 5, 1], 'int32');
    const raw = tf.stridedSlice(x, [0, 1, 1, 0], [1, 4, 4, 1], [1, 2, 2, 1]);
    const fixed = stridedSlice(x, [0, 1, 1, 0], [1, 4, 4, 1], [1, 2, 2, 1]);
    expect(Array.from(fixed.dataSync())).toEqual([6, 8, 16, 18]);
    expect(fixed.dtype).toBe('int32');
    // When this starts failing, tfjs fixed the bug and the workaround in strided-slice.ts can go.
    expect(Array.from(raw.dataSync())).not.toEqual([6, 8, 16, 18]);
    tf.dispose([x, raw, fixed]);
  });
});
