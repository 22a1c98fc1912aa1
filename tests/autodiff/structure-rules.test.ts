import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../src/autodiff/register-all-rules.ts';
import type { GradRule } from '../../src/autodiff/rule.ts';
import { grad } from '../../src/autodiff/vjp.ts';
import { GraphBuilder } from '../../src/graph/builder.ts';
import { tensor } from '../../src/graph/tensor.ts';
import { runOnOrt } from '../../src/plugins/backends/onnxruntime/ort-run.ts';
import { structureCases } from './cases/structure.ts';
import { fdCheck } from './fd-helpers.ts';

const byName = (name: string) => structureCases.find((c) => c.name === name)!;

// Plausible wrong rules the finite-difference check must reject (the right ones pass in fd-structure.test.ts).
const WRONG: readonly [string, GradRule][] = [
  ['CumSum', { op: 'CumSum', grad: ({ b, g, x: [, axis] }) => [b.op1('CumSum', [g, axis!]), null] }], // same direction, not reversed
  ['DepthToSpace CRD', { op: 'DepthToSpace', grad: ({ b, g }) => [b.op1('SpaceToDepth', [g], { blocksize: 3 })] }], // SpaceToDepth undoes DCR, not CRD (with more than one output channel)
  ['ScatterND none, slices, negative index', { op: 'ScatterND', grad: ({ b, g, x: [, idx] }) => [g, null, b.op1('Gather', [g, b.op1('Squeeze', [idx!, b.ints([1])])])] }], // overwritten rows keep g
  ['Einsum summed-out axis, transpose, outer product', { op: 'Einsum', grad: ({ b, g, x }) => x.map((v) => b.op1('Expand', [b.op1('ReduceSum', [g]), b.ints(v!.shape)])) }],
  ['Tile', { op: 'Tile', grad: ({ b, g, x: [x] }) => [b.op1('Slice', [g, b.ints([0, 0, 0]), b.ints(x!.shape)]), null] }], // first tile only
];

describe('structure gradient rules', () => {
  for (const [name, rule] of WRONG) {
    it(`the finite-difference check rejects a wrong ${rule.op} rule (${name})`, async () => {
      const r = await fdCheck({ ...byName(name), rules: defaultRules.with(rule) });
      expect(r.ok, r.summary).toBe(false);
    });
  }

  it('ScatterElements and ScatterND with reduction "mul" have no gradient, and say so naming the node', () => {
    for (const op of ['ScatterElements', 'ScatterND']) {
      const b = new GraphBuilder('m');
      const x = b.input('x', 'float64', [3, 2]);
      const idx = b.constant(op === 'ScatterND' ? tensor('int64', [1, 1], [1]) : tensor('int64', [1, 2], [1, 0]));
      const u = b.input('u', 'float64', [1, 2]);
      b.output(b.op1(op, [x, idx, u], { reduction: 'mul' }, { name: 'scatter' }), 'y');
      expect(() => grad(b.build(), { of: 'y', wrt: ['x', 'u'] })).toThrow(new RegExp(`^node "scatter" \\(${op}\\): ${op} with reduction "mul" has no gradient rule`));
    }
  });
});

describe('non-differentiable ops (Sign, Floor, Ceil, Round, ArgMax, ArgMin)', () => {
  it('pass no gradient: a loss reached only through them has a zero gradient', async () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', 'float64', [2, 3]);
    const parts = ['Sign', 'Floor', 'Ceil', 'Round'].map((op) => b.op1(op, [b.mul(x, b.scalar(3, 'float64'))]));
    const picked = b.cast(b.op1('ArgMax', [x], { axis: 1 }), 'float64');
    b.output(b.reduceSum(b.add(b.add(b.add(parts[0], parts[1]), b.add(parts[2], parts[3])), picked)), 'y');
    const g = grad(b.build(), { of: 'y', wrt: ['x'] });
    // No backward node is derived from them: the walker stops there, so nothing is emitted for them.
    expect(g.nodes.filter((n) => n.origin && ['Sign', 'Floor', 'Ceil', 'Round', 'ArgMax'].some((op) => n.origin!.startsWith(op)))).toEqual([]);
    const out = await runOnOrt(g, { x: tensor('float64', [2, 3], [0.1, -0.7, 1.3, 2.2, -1.9, 0.4]) });
    expect(Array.from(out['grad:x'].data as Float64Array)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('ArgMax indices select values whose gradient flows through the data path only', async () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', 'float64', [2, 3]);
    const at = b.op1('ArgMax', [x], { axis: 1 });
    b.output(b.reduceSum(b.op1('GatherElements', [x, at], { axis: 1 })), 'y');
    const out = await runOnOrt(grad(b.build(), { of: 'y', wrt: ['x'] }), { x: tensor('float64', [2, 3], [0.1, -0.7, 1.3, 2.2, -1.9, 0.4]) });
    expect(Array.from(out['grad:x'].data as Float64Array)).toEqual([0, 0, 1, 1, 0, 0]);
  });
});

describe('refusals name the node and say what to do', () => {
  it('an Einsum diagonal is refused with its equation', () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', 'float32', [3, 3]);
    expect(() => b.op1('Einsum', [x], { equation: 'ii->i' }, { name: 'diag' })).toThrow(/^node "diag" \(Einsum\): equation "ii->i": operand 0 "ii" repeats a subscript \(a diagonal\), which is refused/);
  });

  it('a Split without a split input needs its number of outputs', () => {
    const b = new GraphBuilder('m');
    const x = b.input('x', 'float32', [4]);
    expect(() => b.op('Split', [x], {}, { name: 'cut' })).toThrow(/^node "cut" \(Split\): without a split input, Split needs its number of outputs/);
    expect(b.op('Split', [x], {}, { outputs: 2 }).map((v) => v.shape)).toEqual([[2], [2]]);
  });
});
