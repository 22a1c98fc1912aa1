import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import { grad } from '../../src/autodiff/vjp.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';

// The walker's bookkeeping: outputs kept, origins tagged, unneeded gradients pruned, rule results checked.

function model() {
  const b = new GraphBuilder('m');
  const x = b.input('x', 'float64', [3, 2]);
  const w = b.input('w', 'float64', [2]);
  const other = b.input('other', 'float64', [2]);
  b.output(b.tanh(b.pow(b.mul(x, w), b.scalar(2, 'float64'))), 'y');
  b.output(b.exp(other), 'z');
  return b.build();
}

describe('grad', () => {
  it('keeps the original outputs first and appends grad:<wrt> outputs', () => {
    const g = grad(model(), { of: 'y', wrt: ['w', 'x'] });
    expect(g.outputs.map((o) => o.name)).toEqual(['y', 'z', 'grad:w', 'grad:x']);
    expect(g.value('grad:w').shape).toEqual([2]);
  });

  it('tags every backward node with the forward node it came from', () => {
    const f = model();
    const g = grad(f, { of: 'y', wrt: ['w'] });
    const forward = new Set(f.nodes.map((n) => n.name));
    const backward = g.nodes.slice(f.nodes.length);
    expect(backward.length).toBeGreaterThan(0);
    for (const n of backward.filter((n) => n.op !== 'Identity' || !n.outputs.includes('grad:w'))) {
      expect(forward.has(n.origin ?? ''), `${n.name} has origin ${n.origin}`).toBe(true);
    }
  });

  it('prunes gradients nobody asked for (the constant exponent of Pow: no Log node)', () => {
    const g = grad(model(), { of: 'y', wrt: ['w'] });
    expect(g.nodes.some((n) => n.op === 'Log')).toBe(false);
  });

  it('gives zeros for a value that does not reach `of`', async () => {
    const g = grad(model(), { of: 'y', wrt: ['other'] });
    const feeds = { x: tensor('float64', [3, 2], [1, 2, 3, 4, 5, 6]), w: tensor('float64', [2], [0.1, 0.2]), other: tensor('float64', [2], [1, 1]) };
    expect(Array.from((await runOnOrt(g, feeds))['grad:other'].data as Float64Array)).toEqual([0, 0]);
  });

  it('accepts a seed fed as a graph input', async () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', 'float64', [2]);
    b.input('s', 'float64', [2]);
    b.output(b.mul(x, x), 'y');
    const g = grad(b.build(), { of: 'y', wrt: ['x'], seed: 's' });
    const out = await runOnOrt(g, { x: tensor('float64', [2], [3, 4]), s: tensor('float64', [2], [1, 10]) });
    expect(Array.from(out['grad:x'].data as Float64Array)).toEqual([6, 80]);
  });

  it('refuses a seed of the wrong shape, an unknown value and a non-float wrt, in sentences', () => {
    expect(() => grad(model(), { of: 'y', wrt: ['w'], seed: tensor('float64', [2], [1, 1]) })).toThrow(/the seed is float64\[2\] but "y" is float64\[3, 2\]/);
    expect(() => grad(model(), { of: 'nope', wrt: ['w'] })).toThrow(/"of" names "nope", which is not a value of graph "m"/);
  });

  it('reports a rule that returns the wrong dtype or shape, naming the node', () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', 'float64', [3]);
    b.output(b.sin(x), 'y');
    const wrongShape = defaultRules.with({ op: 'Sin', grad: ({ b: gb }) => [gb.constant(tensor('float64', [2], [1, 1]))] });
    expect(() => grad(b.build(), { of: 'y', wrt: ['x'] }, wrongShape)).toThrow(/^node "Sin_\d+" \(Sin\): the gradient rule returned shape float64\[2\] for input 0 \("x"\) of shape float64\[3\]/);
    const wrongDtype = defaultRules.with({ op: 'Sin', grad: ({ b: gb }) => [gb.constant(tensor('float32', [3], [1, 1, 1]))] });
    expect(() => grad(b.build(), { of: 'y', wrt: ['x'] }, wrongDtype)).toThrow(/returned float32 for input 0 \("x"\) of dtype float64/);
    const tooFew = defaultRules.with({ op: 'Sin', grad: () => [] });
    expect(() => grad(b.build(), { of: 'y', wrt: ['x'] }, tooFew)).toThrow(/returned 0 gradients for 1 inputs/);
  });

  it('emits no node twice: repeated passes share transposes and derivatives (common subexpressions merged)', () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', 'float64', [4, 2]);
    const w = b.input('w', 'float64', [2, 3]);
    b.output(b.tanh(b.matmul(b.tanh(b.matmul(x, w)), b.constant(tensor('float64', [3, 1], [1, 2, 3])))), 'u');
    const g = grad(grad(b.build(), { of: 'u', wrt: ['x'] }), { of: 'grad:x', wrt: ['w'] });
    const keys = g.nodes.map((n) => JSON.stringify([n.op, n.inputs, n.attrs]));
    expect(new Set(keys).size).toBe(keys.length);
    const constants = [...g.initializers.values()].map((t) => `${t.dtype}${t.shape}:${Array.from(t.data as Float64Array)}`);
    expect(new Set(constants).size).toBe(constants.length);
  });
});
