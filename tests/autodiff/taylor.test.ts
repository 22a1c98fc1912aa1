import { afterAll, describe, expect, it } from 'vitest';
import { taylorDerivatives } from '../../src/autodiff/taylor.ts';
import { GraphBuilder, type Value } from '../../src/graph/builder.ts';
import type { Graph } from '../../src/graph/ir.ts';
import { tensor, type Tensor } from '../../src/graph/tensor.ts';
import { ParameterSet } from '../../src/contracts/parameters.ts';
import { builtinPlugins } from '../../src/orchestrator/composition-root.ts';
import { constructPlugin } from '../../src/orchestrator/plugins/construct-plugin.ts';
import { LossScope } from '../../src/train/loss-scope.ts';
import { columnSeed } from '../../src/train/losses/columns.ts';
import { Rng } from '../../src/data/rng.ts';

const ort = await (await constructPlugin(builtinPlugins, 'backend', 'onnxruntime', { threads: 1 })).executor();
afterAll(() => ort.dispose());

const N = 5;
const D = 3;

/** An MLP 3→6→6→2 with `activation`, in a LossScope; `take` adds the derivatives and returns their names. */
async function scopeGraph(activation: string, take: (s: LossScope, u: Value, x: Value) => string[]): Promise<{ graph: Graph; names: string[]; records: string[]; feeds: Map<string, Tensor> }> {
  const b = new GraphBuilder('taylor');
  const x = b.input('x', 'float32', [N, D]);
  const params = new ParameterSet(b, 3, 'float32');
  const model = await constructPlugin(builtinPlugins, 'model', 'mlp', { in_features: D, hidden: [6, 6], out_features: 2, activation });
  const u = model.forward(b, { x }, params).y;
  const scope = new LossScope(b, { x }, { u }, {});
  const names = take(scope, u, x);
  for (const n of names) scope.g.output(scope.g.value(n));
  const rng = new Rng(7);
  const feeds = new Map<string, Tensor>([['x', tensor('float32', [N, D], Array.from({ length: N * D }, () => rng.uniform() * 2 - 1))], ...params.initialValues()]);
  return { graph: scope.g.build(), names, records: scope.derivatives.map((d) => `${d.name}<-${d.of}`), feeds };
}

async function values(g: { graph: Graph; names: string[]; feeds: Map<string, Tensor> }): Promise<number[][]> {
  const out = await ort.run(g.graph, g.feeds, { fetch: g.names });
  return g.names.map((n) => Array.from(out.get(n)!.data as Float32Array));
}

describe('Taylor-mode input derivatives', () => {
  for (const activation of ['tanh', 'sin', 'sigmoid']) {
    it(`equal reverse-over-reverse for a ${activation} MLP: the gradient and every Hessian row, same names and records`, async () => {
      const seed = columnSeed({ dtype: 'float32', shape: [N, 2] }, 1);
      const taylor = await scopeGraph(activation, (s, u, x) => {
        const r = s.hessianRows(u, x, seed, [0, 1, 2], 'taylor');
        return [r.first.name, ...r.rows.map((v) => v.name)];
      });
      const reverse = await scopeGraph(activation, (s, u, x) => {
        const [first] = s.derivative(u, [x], seed);
        return [first.name, ...[0, 1, 2].map((r) => s.derivative(first, [x], columnSeed(first, r))[0].name)];
      });
      expect(taylor.names).toEqual(reverse.names);
      expect(taylor.records).toEqual(reverse.records);
      expect(taylor.graph.nodes.some((n) => n.op === 'Concat')).toBe(true); // the Taylor path ran, not the fallback
      const [t, r] = [await values(taylor), await values(reverse)];
      t.forEach((row, k) => row.forEach((v, i) => expect(Math.abs(v - r[k][i]), `${taylor.names[k]}[${i}]`).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(r[k][i])))));
    });
  }

  it('falls back to reverse mode for an op without a Taylor rule (relu), with the same records', async () => {
    const seed = columnSeed({ dtype: 'float32', shape: [N, 2] }, 0);
    const g = await scopeGraph('relu', (s, u, x) => {
      const r = s.hessianRows(u, x, seed, [1], 'taylor');
      return [r.first.name, r.rows[0].name];
    });
    expect(g.records).toEqual([`d0:${g.records[0].split('<-')[1]}/x<-${g.records[0].split('<-')[1]}`, `d1:d0:${g.records[0].split('<-')[1]}/x/x<-d0:${g.records[0].split('<-')[1]}/x`]);
    expect(taylorDerivatives(g.graph, { of: g.records[0].split('<-')[1], wrt: 'x', seed, rows: [1], names: { first: 'a', rows: ['b'] } })).toBeUndefined();
  });
});
