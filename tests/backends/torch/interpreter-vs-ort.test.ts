import { afterAll, describe, expect, it } from 'vitest';
import { mismatch } from '../../../src/conformance/compare.ts';
import { Rng } from '../../../src/data/rng.ts';
import { registeredOps } from '../../../src/graph/op-registry.ts';
import { runOnOrt } from '../../../src/plugins/backends/onnxruntime/ort-run.ts';
import { CASES, randomFeeds } from './op-cases.ts';
import { openReference } from './torch-available.ts';

const { ref, skip } = await openReference('interpreter-vs-ort');
afterAll(() => ref.dispose());

describe.skipIf(!!skip)('torch interpreter vs onnxruntime on random inputs, per op', () => {
  it('covers every op of tandem\'s op set', () => {
    const covered = new Set(Object.values(CASES).flatMap((k) => k.ops));
    expect(registeredOps().filter((op) => !covered.has(op))).toEqual([]);
  });

  for (const [name, k] of Object.entries(CASES)) {
    it(name, async () => {
      const { graph, feeds } = randomFeeds(new Rng(name.length * 7919 + 17), k.build);
      const [want, got] = await Promise.all([runOnOrt(graph, feeds), ref.executeGraph(graph, feeds)]);
      for (const o of graph.outputs) {
        expect(mismatch(got.get(o.name)!, want[o.name], k.tol ?? { rtol: 1e-5, atol: 1e-5 }), `output ${o.name}`).toBeUndefined();
      }
    });
  }
});
