import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.ts';
import type { Graph } from '../../src/graph/ir.ts';
import { applyIdentities, eliminateCommonSubexpressions, foldConstants, removeDeadNodes, simplifyGraph } from '../../src/graph/simplify/index.ts';
import { tensor, type Tensor } from '../../src/graph/tensor.ts';
import { builtinPlugins } from '../../src/orchestrator/composition-root.ts';
import { constructPlugin } from '../../src/orchestrator/plugins/construct-plugin.ts';
import { benchBatches, benchCase, programSpec } from '../../src/bench/train-workloads.ts';
import { buildTrainingProgram } from '../../src/train/program.ts';

const ort = await (await constructPlugin(builtinPlugins, 'backend', 'onnxruntime', { threads: 1 })).executor();
afterAll(() => ort.dispose());

const X = tensor('float32', [2, 3], [0.5, -1, 2, 3, -0.25, 1.5]);
const feeds = new Map([['x', X]]);
const ops = (g: Graph) => g.nodes.map((n) => n.op);

/** Runs both graphs on ORT and expects equal outputs (bit-equal unless `tol`). */
async function expectSameResults(before: Graph, after: Graph, tol = 0): Promise<void> {
  const [a, b] = [await ort.run(before, feeds), await ort.run(after, feeds)];
  for (const o of before.outputs) {
    const [va, vb] = [Array.from(a.get(o.name)!.data as Float32Array), Array.from(b.get(o.name)!.data as Float32Array)];
    expect(b.get(o.name)!.shape).toEqual(a.get(o.name)!.shape);
    vb.forEach((v, i) => expect(Math.abs(v - va[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(va[i]))));
  }
}

function graphOf(build: (b: GraphBuilder, x: ReturnType<GraphBuilder['input']>) => void): Graph {
  const b = new GraphBuilder('t');
  build(b, b.input('x', 'float32', [2, 3]));
  return b.build();
}

describe('graph simplifier', () => {
  it('merges common subexpressions and equal constants', async () => {
    const g = graphOf((b, x) => {
      const p = b.mul(b.tanh(x), b.scalar(2));
      const q = b.mul(b.tanh(x), b.scalar(2));
      b.output(b.add(p, q));
    });
    const s = removeDeadNodes(eliminateCommonSubexpressions(g));
    expect(ops(s)).toEqual(['Tanh', 'Mul', 'Add']);
    expect(s.initializers.size).toBe(1);
    await expectSameResults(g, s);
  });

  it('folds constant arithmetic, broadcasts and transposes into constants', async () => {
    const g = graphOf((b, x) => {
      const c = b.div(b.op1('Expand', [b.op1('Reshape', [b.scalar(3), b.ints([1, 1])]), b.ints([2, 3])]), b.scalar(4));
      const w = b.op1('Transpose', [b.constant(tensor('float32', [3, 2], [1, 2, 3, 4, 5, 6]))], { perm: [1, 0] });
      b.output(b.add(b.mul(x, c), b.op1('Sqrt', [w])));
    });
    const s = removeDeadNodes(foldConstants(g));
    expect(ops(s)).toEqual(['Mul', 'Add']);
    await expectSameResults(g, s, 1e-7);
  });

  it('applies x·1, x+0, x−0, x/1 and Identity only where the result keeps x\'s shape', async () => {
    const g = graphOf((b, x) => {
      const y = b.op1('Identity', [b.div(b.sub(b.add(b.mul(x, b.scalar(1)), b.scalar(0)), b.scalar(0)), b.scalar(1))]);
      b.output(y);
      // ones of a larger shape broadcast x: not an identity
      b.output(b.mul(b.op1('ReduceSum', [x, b.ints([1])], { keepdims: 1 }), b.constant(tensor('float32', [2, 3], [1, 1, 1, 1, 1, 1]))));
    });
    const s = removeDeadNodes(applyIdentities(g));
    expect(ops(s)).toEqual(['Identity', 'ReduceSum', 'Mul']);
    expect(s.nodes[0].inputs).toEqual(['x']);
    await expectSameResults(g, s);
  });

  it('composes transposes, collapses reshape chains and reads a scalar instead of its broadcast', async () => {
    const g = graphOf((b, x) => {
      const back = b.op1('Transpose', [b.op1('Transpose', [x], { perm: [1, 0] })], { perm: [1, 0] });
      const r = b.op1('Reshape', [b.op1('Reshape', [back, b.ints([3, 2])]), b.ints([6])]);
      const same = b.op1('Reshape', [x, b.ints([2, 3])]);
      const s = b.op1('Expand', [b.op1('Tanh', [b.input('s', 'float32', [1])]), b.ints([2, 3])]);
      b.output(r);
      b.output(b.mul(same, s));
      // both operands broadcast scalars: only one may be read unexpanded, or the product loses its shape
      const one = b.op1('Expand', [b.op1('Exp', [b.input('s1', 'float32', [1])]), b.ints([2, 3])]);
      b.output(b.add(one, b.op1('Expand', [b.op1('Exp', [b.input('s2', 'float32', [1])]), b.ints([2, 3])])));
    });
    const s = removeDeadNodes(applyIdentities(g));
    expect(ops(s)).toEqual(['Reshape', 'Tanh', 'Mul', 'Exp', 'Exp', 'Expand', 'Add']);
    expect(s.value(s.outputs[2].name).shape).toEqual([2, 3]);
    expect(s.nodes[0].inputs[0]).toBe('x');
    feeds.set('s', tensor('float32', [1], [0.7]));
    feeds.set('s1', tensor('float32', [1], [0.2]));
    feeds.set('s2', tensor('float32', [1], [-0.3]));
    await expectSameResults(g, s);
  });

  it('keeps inputs, outputs and their names; drops nodes no output needs', () => {
    const g = graphOf((b, x) => {
      b.op1('Exp', [x]);
      b.output(b.op1('Identity', [x]));
    });
    const s = simplifyGraph(g);
    expect(s.inputs).toEqual(g.inputs);
    expect(s.outputs).toEqual(g.outputs);
    expect(ops(s)).toEqual(['Identity']);
  });

  it('the simplified PINN train step equals the unsimplified one over three steps', async () => {
    const c = benchCase('pinn', [8, 8], 16);
    const spec = await programSpec(c, 0);
    const [plain, simple] = [buildTrainingProgram({ ...spec, simplify: false }, c.batch), buildTrainingProgram(spec, c.batch)];
    expect(simple.graphs.step.nodes.length).toBeLessThan(plain.graphs.step.nodes.length * 0.85);
    const { x, target } = benchBatches(c, 1, 0);
    const batch = new Map<string, Tensor>([['x', tensor('float32', [16, 3], x)], ['f', tensor('float32', [16, 1], target)]]);
    const backend = await constructPlugin(builtinPlugins, 'backend', 'onnxruntime', { threads: 1 });
    const [a, b] = [await backend.compile(plain), await backend.compile(simple)];
    for (let k = 1; k <= 3; k++) {
      const [la, lb] = [await a.step(batch, 1e-2, k), await b.step(batch, 1e-2, k)];
      expect(Math.abs(lb.loss - la.loss)).toBeLessThanOrEqual(1e-6 * Math.abs(la.loss));
    }
    const [sa, sb] = [a.getState(), b.getState()];
    for (const [name, t] of sa) {
      const u = sb.get(name)!.data as Float32Array;
      (t.data as Float32Array).forEach((v, i) => expect(Math.abs(u[i] - v), name).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
    }
    await Promise.all([a.dispose(), b.dispose()]);
  });
});
