import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import { tensor } from '../../../src/graph/tensor.ts';
import { execute } from '../../../src/plugins/backends/tfjs/interpreter.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';

// tfjs-backend-wasm 4.22's Select (tf.where) with bool operands returns the first operand unchanged and corrupts
// the heap: a later, unrelated kernel then aborts with "memory access out of bounds". Where and Trilu select
// bool values as int32. ORT has no bool Where, so these values are checked by hand.
describe('bool selections on tfjs/wasm', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  it('Where with bool operands selects, and the heap stays sound for the next graphs', () => {
    const b = new GraphBuilder('w');
    const [c, x, y] = [b.input('c', 'bool', [4]), b.input('x', 'bool', [4]), b.input('y', 'bool', [4])];
    b.output(b.where(c, x, y), 'o');
    const g = b.build();
    const feeds = { c: tensor('bool', [4], [1, 0, 1, 0]), x: tensor('bool', [4], [1, 1, 1, 1]), y: tensor('bool', [4], [0, 0, 0, 0]) };
    for (let i = 0; i < 50; i++) expect(Array.from(execute(g, feeds).o.data as Uint8Array)).toEqual([1, 0, 1, 0]);
  });

  it('Trilu of a bool matrix keeps the upper triangle', () => {
    const b = new GraphBuilder('t');
    b.output(b.op1('Trilu', [b.input('x', 'bool', [3, 3])]), 'o');
    const g = b.build();
    for (let i = 0; i < 50; i++) expect(Array.from(execute(g, { x: tensor('bool', [3, 3], new Array(9).fill(1)) }).o.data as Uint8Array)).toEqual([1, 1, 1, 0, 1, 1, 0, 0, 1]);
  });
});
