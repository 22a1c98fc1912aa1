import { describe, expect, it } from 'vitest';
import { onnxNodeNames } from '../../src/graph/onnx/node-names.ts';

describe('names of an ONNX file\'s nodes', () => {
  it('keeps given names and names unnamed nodes <op>_<index>', () => {
    expect(onnxNodeNames([{ name: 'a', opType: 'Add' }, { name: '', opType: 'Constant' }])).toEqual(['a', 'Constant_1']);
  });

  // Regression: a rewrite that added unnamed Constant nodes to a torch export, whose own nodes are named
  // Constant_61 and the like, made a generated name collide with a torch name ("node name is used twice").
  it('never generates a name the file already uses', () => {
    const names = onnxNodeNames([{ name: 'Constant_1', opType: 'Constant' }, { name: '', opType: 'Constant' }, { opType: 'Constant' }]);
    expect(new Set(names).size).toBe(3);
    expect(names[0]).toBe('Constant_1');
  });
});
