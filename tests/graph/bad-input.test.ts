import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { GraphError } from '../../src/graph/errors.ts';
import { Graph, type Node, type ValueInfo } from '../../src/graph/ir.ts';
import { onnx } from '../../src/graph/onnx/generated/onnx.js';
import { fromOnnx } from '../../src/graph/onnx/from-onnx.ts';
import { validate } from '../../src/graph/validate.ts';
import { modelBytes } from './helpers.ts';

const f32 = (name: string, shape: number[]): ValueInfo => ({ name, dtype: 'float32', shape });

function graphOf(nodes: Node[], values: ValueInfo[], inputs = [f32('x', [2])], outputs = [f32('y', [2])]): Graph {
  return new Graph('g', inputs, outputs, new Map(), nodes, new Map([...inputs, ...values].map((v) => [v.name, v])));
}

describe('bad graphs are refused with an error naming the node', () => {
  it('a cycle, named as the node path', () => {
    const g = graphOf(
      [
        { name: 'first', op: 'Add', inputs: ['x', 'b'], outputs: ['a'], attrs: {} },
        { name: 'second', op: 'Neg', inputs: ['a'], outputs: ['b'], attrs: {} },
        { name: 'out', op: 'Identity', inputs: ['b'], outputs: ['y'], attrs: {} },
      ],
      [f32('a', [2]), f32('b', [2]), f32('y', [2])],
    );
    expect(() => validate(g)).toThrow(GraphError);
    expect(() => validate(g)).toThrow('node "first" (Add): the graph has a cycle: "first" → "second" → "first"');
  });

  it('a cycle in an ONNX model', () => {
    const bytes = modelBytes({
      nodes: [
        { name: 'p', opType: 'Add', input: ['x', 'q_out'], output: ['p_out'] },
        { name: 'q', opType: 'Relu', input: ['p_out'], output: ['q_out'] },
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
      outputs: [{ name: 'q_out', dtype: 'float32', shape: [2] }],
    });
    expect(() => fromOnnx(bytes)).toThrow('node "p" (Add): the graph has a cycle: "p" → "q" → "p"');
  });

  it('an undefined value', () => {
    const g = graphOf([{ name: 'adder', op: 'Add', inputs: ['x', 'ghost'], outputs: ['y'], attrs: {} }], [f32('y', [2])]);
    expect(() => validate(g)).toThrow('node "adder" (Add): input "ghost" is undefined: it is no graph input, initializer or node output in graph "g"');
  });

  it('a shape mismatch, at the builder line that made it', () => {
    const b = new GraphBuilder('mm');
    const x = b.input('x', 'float32', [4, 3]);
    const w = b.input('w', 'float32', [4, 5]);
    expect(() => b.op1('MatMul', [x, w], {}, { name: 'dense1' })).toThrow(
      'node "dense1" (MatMul): inner dimensions differ: [4, 3] × [4, 5] (3 vs 4) (inputs x: float32[4, 3], w: float32[4, 5])',
    );
  });

  it('a shape mismatch between recorded and inferred types', () => {
    const g = graphOf([{ name: 'n', op: 'Relu', inputs: ['x'], outputs: ['y'], attrs: {} }], [f32('y', [3])], undefined, [f32('y', [3])]);
    expect(() => validate(g)).toThrow('node "n" (Relu): output "y" is recorded as float32[3] but the op infers float32[2]');
  });

  it('an unsupported attribute, from the builder and from an ONNX model', () => {
    const b = new GraphBuilder('attr');
    const x = b.input('x', 'float32', [2]);
    expect(() => b.op1('Relu', [x], { alpha: 0.1 }, { name: 'act' })).toThrow('node "act" (Relu): unsupported attribute "alpha"; Relu takes no attributes');
    const bytes = modelBytes({
      nodes: [{ name: 'sm', opType: 'Softmax', input: ['x'], output: ['y'], attribute: [{ name: 'temperature', type: onnx.AttributeProto.AttributeType.FLOAT, f: 2 }] }],
      inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [2] }],
    });
    expect(() => fromOnnx(bytes)).toThrow('node "sm" (Softmax): unsupported attribute "temperature"; tandem\'s Softmax takes axis');
  });

  it('an unsupported attribute value (a refused mode)', () => {
    const b = new GraphBuilder('pad');
    const x = b.input('x', 'float32', [1, 4]);
    expect(() => b.op1('Pad', [x, b.ints([0, 1, 0, 1])], { mode: 'wrap' }, { name: 'padder' })).toThrow(
      /node "padder" \(Pad\): mode "wrap" is not one of constant, reflect, edge/,
    );
  });

  it('a computed shape input', () => {
    const b = new GraphBuilder('reshape');
    const x = b.input('x', 'float32', [2, 3]);
    const s = b.input('s', 'int64', [1]);
    expect(() => b.op1('Reshape', [x, s], {}, { name: 'flatten' })).toThrow(/node "flatten" \(Reshape\): Reshape shape \(input "s"\) is computed, but shape input must be a constant/);
  });

  it('duplicate node names and doubly defined values', () => {
    const dupNodes = graphOf(
      [
        { name: 'n', op: 'Relu', inputs: ['x'], outputs: ['a'], attrs: {} },
        { name: 'n', op: 'Neg', inputs: ['a'], outputs: ['y'], attrs: {} },
      ],
      [f32('a', [2]), f32('y', [2])],
    );
    expect(() => validate(dupNodes)).toThrow('node "n" (Neg): the node name is used twice in graph "g" (nodes #0 and #1); node names must be unique');
    const dupValues = graphOf(
      [
        { name: 'n1', op: 'Relu', inputs: ['x'], outputs: ['y'], attrs: {} },
        { name: 'n2', op: 'Neg', inputs: ['x'], outputs: ['y'], attrs: {} },
      ],
      [f32('y', [2])],
    );
    expect(() => validate(dupValues)).toThrow('node "n2" (Neg): value "y" is defined twice in graph "g" (again by node "n2" (Neg)); every value needs one definition');
  });

  it('nodes out of topological order, without a cycle', () => {
    const g = graphOf(
      [
        { name: 'late', op: 'Neg', inputs: ['a'], outputs: ['y'], attrs: {} },
        { name: 'early', op: 'Relu', inputs: ['x'], outputs: ['a'], attrs: {} },
      ],
      [f32('a', [2]), f32('y', [2])],
    );
    expect(() => validate(g)).toThrow('node "late" (Neg): input "a" is produced later, by node "early"; nodes must be listed in topological order');
  });

  it('a graph output declared with the wrong type, and one nothing produces', () => {
    const wrong = graphOf([{ name: 'n', op: 'Relu', inputs: ['x'], outputs: ['y'], attrs: {} }], [f32('y', [2])], undefined, [{ name: 'y', dtype: 'float64', shape: [2] }]);
    expect(() => validate(wrong)).toThrow('graph output "y" is declared float64[2] but its value is float32[2]');
    const missing = graphOf([{ name: 'n', op: 'Relu', inputs: ['x'], outputs: ['y'], attrs: {} }], [f32('y', [2])], undefined, [f32('z', [2])]);
    expect(() => validate(missing)).toThrow('graph output "z" is not produced by any node, input or initializer of graph "g"');
  });
});
