import { beforeAll, describe, expect, it } from 'vitest';
import { grad } from '../../../src/autodiff/index.ts';
import { mismatch } from '../../../src/conformance/compare.ts';
import { Rng } from '../../../src/data/rng.ts';
import { GraphBuilder } from '../../../src/graph/builder.ts';
import { sizeOf, tensor } from '../../../src/graph/tensor.ts';
import { runOnOrt } from '../../../src/plugins/backends/onnxruntime/ort-run.ts';
import { execute } from '../../../src/plugins/backends/tfjs/interpreter.ts';
import { activateTfjs } from '../../../src/plugins/backends/tfjs/runtime.ts';
import { structureCases } from '../../autodiff/cases/structure.ts';

// The gradient graphs of the structure ops (Einsum's gradients are Einsums over reused operands, GatherElements'
// a ScatterElements, …) on tfjs/wasm, against ORT, in float32. Regression: the bilinear Einsum gradient aborted
// wasm while the Einsum kernel handed matMul two reshaped views of one operand.
describe('tfjs/wasm runs the gradient graphs of the structure ops as ORT does', () => {
  beforeAll(async () => {
    await activateTfjs('wasm');
  });

  for (const c of structureCases) {
    it(c.name, async () => {
      const rng = new Rng(11);
      const b = new GraphBuilder('g');
      const xs = c.inputs.map((inp, i) => b.input(`x${i}`, 'float32', inp.shape));
      b.output(c.build(b, xs), 'y');
      const wrt = xs.map((x) => x.name);
      const g = grad(b.build(), { of: 'y', wrt });
      const feeds = Object.fromEntries(c.inputs.map((inp, i) => [`x${i}`, tensor('float32', inp.shape, Array.from({ length: sizeOf(inp.shape) }, () => rng.normal()))]));
      const [want, got] = [await runOnOrt(g, feeds), execute(g, feeds)];
      for (const w of wrt) expect(mismatch(got[`grad:${w}`], want[`grad:${w}`], { rtol: 1e-4, atol: 1e-5 }), `d y / d ${w}`).toBeUndefined();
    });
  }
});
